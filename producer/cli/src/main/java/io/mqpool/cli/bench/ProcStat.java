package io.mqpool.cli.bench;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** Fields of a {@code /proc/<pid>/stat} or {@code /proc/<pid>/task/<tid>/stat} line (Linux). */
final class ProcStat {
    /** The kernel's USER_HZ, in which the stat lines count CPU time: 100 on every Linux the JDK supports. */
    static final double TICKS_PER_SECOND = 100;

    private ProcStat() {
    }

    /** The process's or thread's name (field 2, without its parentheses), or null for a line that is not one. */
    static String name(String statLine) {
        int open = statLine.indexOf('(');
        int close = statLine.lastIndexOf(')');
        return open < 0 || close < open ? null : statLine.substring(open + 1, close);
    }

    /** User and system ticks (fields 14 and 15), or 0 for a line that is not one. */
    static long cpuTicks(String statLine) {
        int close = statLine.lastIndexOf(')');
        if (close < 0 || close + 2 > statLine.length()) {
            return 0;
        }
        // The name may hold spaces and parentheses; the fields after its last ')' start at field 3 (the state).
        String[] fields = statLine.substring(close + 2).trim().split(" ");
        try {
            return Long.parseLong(fields[11]) + Long.parseLong(fields[12]);
        } catch (NumberFormatException | ArrayIndexOutOfBoundsException e) {
            return 0;
        }
    }

    /** The stat line at {@code path}, or null when the process or thread has ended. */
    static String read(Path path) {
        try {
            return Files.readString(path);
        } catch (IOException | UncheckedIOException e) {
            return null;
        }
    }
}
