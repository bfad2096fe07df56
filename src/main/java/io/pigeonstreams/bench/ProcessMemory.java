package io.pigeonstreams.bench;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.nio.file.Files;
import java.nio.file.Path;

/** The process's memory: resident (native memory included, Linux only) and the JVM heap's peak. */
public final class ProcessMemory {

  private ProcessMemory() {}

  /** VmHWM of /proc/self/status: the process's peak resident set, native memory included. */
  public static double peakResidentMiB() {
    return procStatusMiB("VmHWM:");
  }

  /** VmRSS of /proc/self/status: resident memory now, native memory included. */
  public static double residentMiB() {
    return procStatusMiB("VmRSS:");
  }

  private static double procStatusMiB(String field) {
    try {
      for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
        if (line.startsWith(field)) {
          return Long.parseLong(line.replaceAll("[^0-9]", "")) / 1024.0;
        }
      }
    } catch (IOException | RuntimeException e) {
      // not Linux: fall through
    }
    return Double.NaN;
  }

  /** The sum of each heap pool's peak: an upper bound of the heap's peak. */
  public static double peakHeapMiB() {
    long peak = 0;
    for (MemoryPoolMXBean pool : ManagementFactory.getMemoryPoolMXBeans()) {
      if (pool.getType() == MemoryType.HEAP && pool.getPeakUsage() != null) {
        peak += pool.getPeakUsage().getUsed();
      }
    }
    return peak / (1024.0 * 1024.0);
  }
}
