package io.mqpool.reliability;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

/**
 * Separate network hosts on this machine for one test: a network namespace per host, joined to this one by a veth
 * pair on a /30 of its own ({@code 10.213.K.0/30}: this side {@code .1}, the host {@code .2}). A host reaches this
 * machine's listeners at {@link #gateway(int)}; nothing else is routed. Everything made here is removed by
 * {@link #close()}.
 */
public final class NetworkHosts implements AutoCloseable {
    private final String id = UUID.randomUUID().toString().substring(0, 4);
    private final List<String> namespaces = new ArrayList<>();

    private NetworkHosts() {
    }

    /**
     * Makes {@code count} hosts.
     *
     * @throws IOException when namespaces cannot be made here (not root, no iproute2, no netns support): its message
     *     says why
     */
    public static NetworkHosts create(int count) throws IOException {
        NetworkHosts hosts = new NetworkHosts();
        try {
            for (int k = 0; k < count; k++) {
                hosts.add(k);
            }
            return hosts;
        } catch (IOException | RuntimeException e) {
            hosts.close();
            throw e;
        }
    }

    private void add(int k) throws IOException {
        String ns = "mqpool-" + id + "-" + k;
        String outside = "mqv" + id + "o" + k;
        String inside = "mqv" + id + "i" + k;
        ip("netns", "add", ns);
        namespaces.add(ns);
        ip("link", "add", outside, "type", "veth", "peer", "name", inside);
        ip("link", "set", inside, "netns", ns);
        ip("addr", "add", gateway(k) + "/30", "dev", outside);
        ip("link", "set", outside, "up");
        ip("netns", "exec", ns, "ip", "addr", "add", "10.213." + k + ".2/30", "dev", inside);
        ip("netns", "exec", ns, "ip", "link", "set", inside, "up");
        ip("netns", "exec", ns, "ip", "link", "set", "lo", "up");
    }

    /** The address of this machine as host {@code k} sees it. */
    public static String gateway(int k) {
        return "10.213." + k + ".1";
    }

    /** The prefix that runs a command on host {@code k}. */
    public List<String> on(int k) {
        return List.of("ip", "netns", "exec", namespaces.get(k));
    }

    private static void ip(String... args) throws IOException {
        List<String> command = new ArrayList<>();
        command.add("ip");
        command.addAll(List.of(args));
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        p.getOutputStream().close();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
        try {
            if (!p.waitFor(30, TimeUnit.SECONDS) || p.exitValue() != 0) {
                throw new IOException(String.join(" ", command) + " failed: " + out);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException(String.join(" ", command) + " interrupted", e);
        }
    }

    /** Deletes the namespaces; their veth pairs go with them. */
    @Override
    public void close() {
        for (String ns : namespaces) {
            try {
                ip("netns", "del", ns);
            } catch (IOException e) {
                System.err.println("could not delete network namespace " + ns + ": " + e.getMessage());
            }
        }
        namespaces.clear();
    }
}
