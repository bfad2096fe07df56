/**
 * What {@code pigeon-streams demo} runs, behind its verb {@code cli.DemoCommand}: {@link
 * io.pigeonstreams.cli.demo.DemoRun} (broker, engine, catalog, simulated traffic, progress), {@link
 * io.pigeonstreams.cli.demo.DemoReport} (the summary), {@link
 * io.pigeonstreams.cli.demo.ContactSheet} and {@link io.pigeonstreams.cli.demo.ConsoleDiversion}
 * (library output to the demo's log). Here and not in {@code workload} because the run needs the
 * engine and the in-process broker, which {@code workload} (below {@code engine}) may not use; the
 * traffic it sends is {@code workload.SimulatedTraffic}, shared with tests.
 */
package io.pigeonstreams.cli.demo;
