/**
 * The command line (picocli): one class per verb ({@code demo}, {@code run}, {@code eval}, {@code
 * bench}, {@code train}, {@code dataset}). A verb parses its options and calls the package that
 * does the work; it holds no logic of its own. May use every package; nothing uses it.
 */
package io.pigeonstreams.cli;
