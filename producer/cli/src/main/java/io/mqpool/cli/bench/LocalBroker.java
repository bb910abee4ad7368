package io.mqpool.cli.bench;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Iterator;
import java.util.Locale;
import java.util.OptionalLong;
import java.util.stream.Stream;

/**
 * Finds the broker's process when it runs on this machine: the process holding the socket that listens on the
 * broker's port, from {@code /proc/net/tcp}, {@code /proc/net/tcp6} and the processes' open files (Linux; only
 * processes this user may inspect), when it is RabbitMQ's Erlang VM. Anything else there (a container's port proxy,
 * a TLS terminator) is not the broker, and is not reported. The bench reads its CPU time beside the JVMs'.
 */
final class LocalBroker {
    private static final String LISTEN = "0A";
    /** The process name of RabbitMQ's Erlang VM. */
    static final String ERLANG_VM = "beam.smp";

    private LocalBroker() {
    }

    /** The broker listening on {@code port}, when {@code host} is a loopback address; else empty. */
    static OptionalLong pid(Path proc, String host, int port) {
        OptionalLong pid = listener(proc, host, port);
        if (pid.isEmpty()) {
            return pid;
        }
        String stat = ProcStat.read(proc.resolve(pid.getAsLong() + "/stat"));
        return stat != null && ERLANG_VM.equals(ProcStat.name(stat)) ? pid : OptionalLong.empty();
    }

    /** The process listening on {@code port}, whatever it is, when {@code host} is a loopback address. */
    static OptionalLong listener(Path proc, String host, int port) {
        if (!loopback(host)) {
            return OptionalLong.empty();
        }
        OptionalLong inode = listeningInode(proc.resolve("net/tcp"), port);
        if (inode.isEmpty()) {
            inode = listeningInode(proc.resolve("net/tcp6"), port);
        }
        return inode.isEmpty() ? OptionalLong.empty() : owner(proc, "socket:[" + inode.getAsLong() + "]");
    }

    private static boolean loopback(String host) {
        try {
            return InetAddress.getByName(host).isLoopbackAddress();
        } catch (UnknownHostException | SecurityException e) {
            return false;
        }
    }

    /** The inode of the socket listening on {@code port} in a {@code /proc/net/tcp}-style table. */
    static OptionalLong listeningInode(Path table, int port) {
        String suffix = String.format(Locale.ROOT, ":%04X", port);
        try (Stream<String> lines = Files.lines(table)) {
            return lines.skip(1).map(l -> l.trim().split("\\s+"))
                    .filter(f -> f.length > 9 && f[1].endsWith(suffix) && f[3].equals(LISTEN))
                    .mapToLong(f -> Long.parseLong(f[9])).findFirst();
        } catch (IOException | UncheckedIOException | NumberFormatException e) {
            return OptionalLong.empty();
        }
    }

    /** The process with an open file descriptor linked to {@code target}. */
    private static OptionalLong owner(Path proc, String target) {
        try (Stream<Path> entries = Files.list(proc)) {
            for (Iterator<Path> it = entries.iterator(); it.hasNext(); ) {
                Path p = it.next();
                String name = p.getFileName().toString();
                if (!name.chars().allMatch(Character::isDigit)) {
                    continue;
                }
                if (holds(p.resolve("fd"), target)) {
                    return OptionalLong.of(Long.parseLong(name));
                }
            }
        } catch (IOException | UncheckedIOException e) {
            // No /proc: no broker figure.
        }
        return OptionalLong.empty();
    }

    private static boolean holds(Path fds, String target) {
        try (Stream<Path> links = Files.list(fds)) {
            for (Iterator<Path> it = links.iterator(); it.hasNext(); ) {
                try {
                    if (Files.readSymbolicLink(it.next()).toString().equals(target)) {
                        return true;
                    }
                } catch (IOException | UnsupportedOperationException e) {
                    // closed meanwhile, or not a link
                }
            }
        } catch (IOException | UncheckedIOException | SecurityException e) {
            // another user's process, or one that ended
        }
        return false;
    }
}
