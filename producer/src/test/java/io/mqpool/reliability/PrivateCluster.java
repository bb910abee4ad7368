package io.mqpool.reliability;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.StringJoiner;
import java.util.UUID;
import java.util.function.IntFunction;
import java.util.function.Predicate;

/**
 * A RabbitMQ cluster of private nodes for one test class: {@link PrivateBroker}s that share an Erlang cookie, joined
 * to the first with {@code rabbitmqctl join_cluster}. Faults are the nodes' own ({@link PrivateBroker#killHard()},
 * {@link PrivateBroker#stopNode()}, {@link PrivateBroker#restart()}); inspection goes through any running node.
 */
public final class PrivateCluster implements AutoCloseable {
    private static final Duration FORMED = Duration.ofSeconds(60);

    private final List<PrivateBroker> nodes;

    private PrivateCluster(List<PrivateBroker> nodes) {
        this.nodes = List.copyOf(nodes);
    }

    /** Starts {@code size} nodes on 127.0.0.1 and joins them into one cluster. */
    public static PrivateCluster start(int size) throws Exception {
        return start(size, k -> PrivateBroker.setup());
    }

    /** As {@link #start(int)}, each node set up by {@code setup} (its cookie and guest password are the cluster's). */
    public static PrivateCluster start(int size, IntFunction<PrivateBroker.Setup> setup) throws Exception {
        String cookie = "MQPOOLCLUSTER" + UUID.randomUUID().toString().replace("-", "").toUpperCase(Locale.ROOT);
        String password = "pw-" + UUID.randomUUID();
        List<PrivateBroker> nodes = new ArrayList<>();
        PrivateCluster cluster = new PrivateCluster(nodes);
        try {
            for (int k = 0; k < size; k++) {
                nodes.add(setup.apply(k).cookie(cookie).password(password).start());
            }
            PrivateBroker seed = nodes.get(0);
            for (PrivateBroker node : nodes.subList(1, size)) {
                node.ctl("stop_app");
                node.ctl("join_cluster", seed.node());
                node.startApp();
            }
            Rows.poll("a cluster of " + size + " running nodes", FORMED, Duration.ofMillis(250))
                    .until(() -> runningNodes(seed) == size);
            return new PrivateCluster(nodes);
        } catch (Exception | Error e) {
            cluster.close();
            for (PrivateBroker node : nodes) {
                node.close();
            }
            throw e;
        }
    }

    private static int runningNodes(PrivateBroker via) {
        String status = via.ctl("-q", "cluster_status", "--formatter", "json");
        int running = status.indexOf("\"running_nodes\"");
        if (running < 0) {
            return 0;
        }
        String list = status.substring(status.indexOf('[', running), status.indexOf(']', running) + 1);
        return (int) list.chars().filter(c -> c == '@').count();
    }

    public int size() {
        return nodes.size();
    }

    public PrivateBroker node(int k) {
        return nodes.get(k);
    }

    public List<PrivateBroker> nodes() {
        return nodes;
    }

    /** The index of the node listening on AMQP port {@code port}, or -1. */
    public int nodeWithPort(int port) {
        for (int k = 0; k < nodes.size(); k++) {
            if (nodes.get(k).port() == port) {
                return k;
            }
        }
        return -1;
    }

    /** The index of the node named {@code name} (e.g. a queue's leader), or -1. */
    public int nodeNamed(String name) {
        for (int k = 0; k < nodes.size(); k++) {
            if (nodes.get(k).node().equals(name.strip())) {
                return k;
            }
        }
        return -1;
    }

    /** A running node to ask, the first one. */
    public PrivateBroker anyRunning() {
        return nodes.stream().filter(PrivateBroker::isRunning).findFirst()
                .orElseThrow(() -> new IllegalStateException("no node of the cluster is running"));
    }

    /** {@code amqp://guest:PASSWORD@127.0.0.1:P1,127.0.0.1:P2,...}: every node, as a client of the cluster names it. */
    public String url() {
        List<Integer> ports = new ArrayList<>();
        nodes.forEach(n -> ports.add(n.port()));
        return urlVia("127.0.0.1", ports);
    }

    /** A URL naming {@code host} with each of {@code ports}, e.g. TCP proxies in front of the nodes. */
    public String urlVia(String host, List<Integer> ports) {
        StringJoiner hosts = new StringJoiner(",");
        ports.forEach(p -> hosts.add(host + ":" + p));
        return "amqp://guest:" + nodes.get(0).password() + "@" + hosts;
    }

    /** The node that leads quorum queue {@code queue} now, as the cluster says, or -1 while it has none. */
    public int leaderOf(String queue) {
        String out = anyRunning().ctl("-q", "list_queues", "--no-table-headers", "name", "leader");
        for (String line : out.split("\n")) {
            String[] f = line.strip().split("\t");
            if (f.length == 2 && f[0].equals(queue)) {
                return nodeNamed(f[1]);
            }
        }
        return -1;
    }

    /** The node that connection {@code clientName} (its client-provided name) is connected to, or -1. */
    public int nodeOfConnection(String clientName) {
        List<Integer> nodes = connections(c -> c.name().equals(clientName));
        return nodes.isEmpty() ? -1 : nodes.get(0);
    }

    /** The node of every connection whose client-provided name starts with {@code prefix}. */
    public List<Integer> nodesOfConnections(String prefix) {
        return connections(c -> c.name().startsWith(prefix));
    }

    private List<Integer> connections(Predicate<PrivateBroker.ClientConnection> which) {
        return anyRunning().connections().stream().filter(which).map(c -> nodeWithPort(c.port())).toList();
    }

    /**
     * The nodes of the connections that come from {@code peerHost} (a client's address) and whose client-provided
     * name starts with {@code prefix}.
     */
    public List<Integer> nodesOfPeer(String peerHost, String prefix) {
        return connections(c -> c.peerHost().equals(peerHost) && c.name().startsWith(prefix));
    }

    /** Restarts every node that is not running, then waits until the cluster is whole. */
    public void restartStopped() throws Exception {
        for (PrivateBroker node : nodes) {
            if (!node.isRunning()) {
                node.restart();
            }
        }
        awaitWhole();
    }

    /** Waits until every node runs and the cluster counts them all. */
    public void awaitWhole() {
        Rows.poll("the cluster whole again", FORMED, Duration.ofMillis(500))
                .until(() -> runningNodes(anyRunning()) == nodes.size());
    }

    /** Stops every node. */
    @Override
    public void close() {
        for (PrivateBroker node : nodes) {
            node.close();
        }
    }
}
