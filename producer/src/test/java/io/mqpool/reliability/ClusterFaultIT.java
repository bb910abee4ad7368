package io.mqpool.reliability;

import static org.assertj.core.api.Assertions.assertThat;

import io.mqpool.producer.JobOptions;
import io.mqpool.producer.Pool;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Rows K1-K4 of docs/RELIABILITY.md: a 3-node cluster of private nodes loses a node (the task queue's leader, the
 * producer's, a worker's), restarts all of them one by one, or is cut off from its clients. Every client names all
 * three nodes in its URL and fails over by itself; the queues are quorum queues, replicated on the three.
 */
@Timeout(900)
class ClusterFaultIT {
    private static final int NODES = 3;
    private static final int WORKERS = 3;
    private static final int CONCURRENCY = 2;
    private static final int CHUNK = 2;
    private static final long SLEEP_MS = 20;
    private static final String WORKER_CONNECTION = Hygiene.WORKER_CONNECTION;
    /** K2's bound: clients fail over to the other addresses within this. */
    private static final Duration FAILOVER = Duration.ofSeconds(15);
    /** K4's bound: the cut is noticed by heartbeats (about twice 5 s), then the clients reconnect elsewhere. */
    private static final Duration CUT_FAILOVER = Duration.ofSeconds(30);
    private static final Duration CUT = Duration.ofSeconds(30);
    /** Per fault, task messages the producer may publish twice (a confirm lost with its connection). */
    private static final int PRODUCER_REPUBLISHED = 2;
    /**
     * Per fault, task messages a worker may have held unacknowledged when its node went: messages of 2 x 20 ms are
     * in the workers' medium prefetch band, 2 x concurrency.
     */
    private static final int WORKER_HELD = 2 * CONCURRENCY;

    private static PrivateCluster cluster;
    private final FaultScheduler faults = new FaultScheduler("cluster");
    private final List<String> notes = new CopyOnWriteArrayList<>();

    @BeforeAll
    static void startCluster() throws Exception {
        // On every interface, for the workers on network hosts of their own.
        cluster = PrivateCluster.start(NODES, k -> PrivateBroker.setup().allInterfaces());
    }

    @AfterAll
    static void stopCluster() {
        if (cluster != null) {
            cluster.close();
        }
    }

    @AfterEach
    void stopFaults() throws Exception {
        faults.close();
        cluster.restartStopped();
    }

    /** K1: kill -9 of the node that leads the task queue, mid-job. */
    @Test
    void k1TaskQueueLeaderKilled() throws Exception {
        String queue = Rows.queue("K1");
        runRow("K1", queue, 3_000, cluster.url(), List.of(cluster.url()), 1, pool -> faults.async(() -> {
            int leader = cluster.leaderOf(queue);
            assertThat(leader).as("the task queue's leader").isNotNegative();
            cluster.node(leader).killHard();
            long elected = Rows.awaitMillis(Duration.ofSeconds(30), () -> {
                int now = cluster.leaderOf(queue);
                return now >= 0 && now != leader;
            });
            notes.add("killed=node" + leader + " newLeaderMs=" + elected);
            assertThat(elected).as("ms until a new leader").isNotNegative();
        }));
    }

    /** K2: kill -9 of the node the producer is connected to. */
    @Test
    void k2ProducersNodeKilled() throws Exception {
        String queue = Rows.queue("K2p");
        runRow("K2", queue, 3_000, cluster.url(), List.of(cluster.url()), 1, pool -> faults.async(() -> {
            String producer = "mqpool-producer " + pool.id();
            int node = cluster.nodeOfConnection(producer);
            assertThat(node).as("the producer's node").isNotNegative();
            cluster.node(node).killHard();
            long failover = Rows.awaitMillis(FAILOVER.plusSeconds(15), () -> {
                int now = cluster.nodeOfConnection(producer);
                return now >= 0 && now != node;
            });
            notes.add("killed=node" + node + " producerFailoverMs=" + failover);
            assertThat(failover).as("ms until the producer is connected to another node").isBetween(0L, FAILOVER.toMillis());
        }));
    }

    /** K2: kill -9 of a node a worker is connected to (not the producer's, where the workers allow it). */
    @Test
    void k2WorkersNodeKilled() throws Exception {
        String queue = Rows.queue("K2w");
        runRow("K2", queue, 3_000, cluster.url(), List.of(cluster.url()), 1, pool -> faults.async(() -> {
            int producerNode = cluster.nodeOfConnection("mqpool-producer " + pool.id());
            List<Integer> workerNodes = cluster.nodesOfConnections(WORKER_CONNECTION);
            int node = workerNodes.stream().filter(k -> k != producerNode).findFirst().orElse(workerNodes.get(0));
            long moved = workerNodes.stream().filter(k -> k == node).count();
            cluster.node(node).killHard();
            // Connections, not the queue's consumer count: a quorum queue keeps the consumers of a node that went
            // down as suspected until that node is back (the hygiene check counts them once it is).
            long failover = Rows.awaitMillis(FAILOVER.plusSeconds(15), () -> {
                List<Integer> now = cluster.nodesOfConnections(WORKER_CONNECTION);
                return now.size() == WORKERS && !now.contains(node);
            });
            notes.add("killed=node" + node + " workersOnIt=" + moved + " workersFailoverMs=" + failover);
            assertThat(failover).as("ms until every worker is connected to another node").isBetween(0L, FAILOVER.toMillis());
        }));
    }

    /** K3: a rolling restart of the three nodes, one by one, during a job. */
    @Test
    void k3RollingRestart() throws Exception {
        String queue = Rows.queue("K3");
        runRow("K3", queue, 8_000, cluster.url(), List.of(cluster.url()), NODES, pool -> faults.async(() -> {
            List<Long> restartMs = new ArrayList<>();
            for (int k = 0; k < NODES; k++) {
                long start = System.nanoTime();
                cluster.node(k).stopNode();
                cluster.node(k).restart();
                cluster.awaitWhole();
                restartMs.add((System.nanoTime() - start) / 1_000_000);
            }
            long back = Rows.awaitMillis(Duration.ofSeconds(30),
                    () -> Rows.consumers(cluster.anyRunning(), queue) == WORKERS);
            notes.add("restartMs=" + restartMs + " consumersBackMs=" + back);
            assertThat(back).as("ms until the workers all consume again").isNotNegative();
        }));
    }

    /** K4: the node the producer is connected to is cut off from every client for 30 s through the TCP proxy. */
    @Test
    void k4NodeCutOffFromItsClientsFor30s() throws Exception {
        String queue = Rows.queue("K4");
        List<TcpProxy> proxies = new ArrayList<>();
        try {
            List<Integer> ports = new ArrayList<>();
            for (PrivateBroker node : cluster.nodes()) {
                TcpProxy proxy = new TcpProxy(node.port());
                proxies.add(proxy);
                ports.add(proxy.port());
            }
            String viaProxies = cluster.urlVia("127.0.0.1", ports);
            runRow("K4", queue, 4_000, viaProxies, List.of(viaProxies), 1, pool -> faults.async(() -> {
                String producer = "mqpool-producer " + pool.id();
                int node = cluster.nodeOfConnection(producer);
                assertThat(node).as("the producer's node").isNotNegative();
                long start = System.nanoTime();
                proxies.get(node).blackhole();
                long failover = Rows.awaitMillis(CUT_FAILOVER.plusSeconds(10), () -> {
                    int now = cluster.nodeOfConnection(producer);
                    return now >= 0 && now != node && !cluster.nodesOfConnections(WORKER_CONNECTION).contains(node);
                });
                long rest = CUT.toNanos() - (System.nanoTime() - start);
                if (rest > 0) {
                    Thread.sleep(rest / 1_000_000);  // the cut itself
                }
                proxies.get(node).pass();
                notes.add("cut=node" + node + " clientsElsewhereMs=" + failover);
                assertThat(failover).as("ms until the cut node's clients are connected elsewhere")
                        .isBetween(0L, CUT_FAILOVER.toMillis());
            }));
        } finally {
            for (TcpProxy proxy : proxies) {
                proxy.close();
            }
        }
    }

    /**
     * Workers on two separate network hosts (namespaces joined by veth pairs) reach the cluster by address, and
     * the node one of them is connected to is killed mid-job: it fails over to another node on its address list.
     */
    @Test
    void workersOnSeparateHostsFailOverAcrossTheNetwork() throws Exception {
        NetworkHosts hosts;
        try {
            hosts = NetworkHosts.create(2);
        } catch (IOException e) {
            System.err.println("==== SKIPPED: workers on separate network hosts: network namespaces cannot be made here ("
                    + e.getMessage() + ") ====");
            Assumptions.abort("network namespaces cannot be made here: " + e.getMessage());
            return;
        }
        String queue = Rows.queue("K2h");
        int n = 3_000;
        List<Integer> ports = cluster.nodes().stream().map(PrivateBroker::port).toList();
        try (hosts; WorkerFleet fleet = WorkerFleet.start(List.of(), queue, "--concurrency",
                String.valueOf(CONCURRENCY), "--heartbeat", "5s")) {
            for (int k = 0; k < 2; k++) {
                fleet.addThrough(hosts.on(k), cluster.urlVia(NetworkHosts.gateway(k), ports));
            }
            String remote = "10.213.0.2";
            assertThat(cluster.nodesOfPeer(remote, WORKER_CONNECTION)).as("connections from host 0 (%s)", remote).hasSize(1);
            assertThat(cluster.nodesOfPeer("10.213.1.2", WORKER_CONNECTION)).as("connections from host 1").hasSize(1);
            JobDriver.Run run;
            String poolId;
            try (Pool pool = Rows.pool(cluster.url(), queue)) {
                poolId = pool.id();
                run = JobDriver.run(pool, "sleep", n, i -> SLEEP_MS, JobOptions.DEFAULTS.withChunkSize(CHUNK),
                        Map.of(n / 5, faults.async(() -> {
                            int node = cluster.nodesOfPeer(remote, WORKER_CONNECTION).get(0);
                            cluster.node(node).killHard();
                            long failover = Rows.awaitMillis(FAILOVER.plusSeconds(15), () -> {
                                List<Integer> now = cluster.nodesOfPeer(remote, WORKER_CONNECTION);
                                return now.size() == 1 && now.get(0) != node;
                            });
                            notes.add("killed=node" + node + " remoteWorkerFailoverMs=" + failover);
                            assertThat(failover).as("ms until host 0's worker is connected to another node")
                                    .isBetween(0L, FAILOVER.toMillis());
                        })));
            }
            faults.awaitFaults(Duration.ofSeconds(240));
            cluster.restartStopped();
            for (int k = 0; k < 2; k++) {
                assertThat(fleet.get(k).output()).as("host %d's worker ran items", k).contains("exec job=");
            }
            InvariantChecker.row("K2h", n).values(i -> SLEEP_MS)
                    .maxDupExec((long) (2 * WORKER_HELD + PRODUCER_REPUBLISHED) * CHUNK).maxWall(Duration.ofSeconds(300))
                    .note(String.join(" ", notes))
                    .check(run, fleet, new Hygiene(cluster.anyRunning(), "/", queue, poolId, 2, 2));
        }
    }

    /** What a row does to the cluster once the job is under way, given the pool (for its connection's name). */
    private interface Fault {
        JobDriver.ThrowingRunnable on(Pool pool);
    }

    /**
     * Runs {@code n} items of {@code sleep 20} on {@value #WORKERS} workers, fires {@code fault} at 20% of the
     * results, waits for it, and checks the invariants once the cluster is whole again.
     */
    private void runRow(String row, String queue, int n, String poolUrl, List<String> workerUrls, int nodeFaults,
                        Fault fault) throws Exception {
        List<String> urls = new ArrayList<>();
        for (int k = 0; k < WORKERS; k++) {
            urls.add(workerUrls.get(k % workerUrls.size()));
        }
        try (WorkerFleet fleet = WorkerFleet.start(urls, queue, "--concurrency", String.valueOf(CONCURRENCY),
                "--heartbeat", "5s")) {
            JobDriver.Run run;
            String poolId;
            try (Pool pool = Rows.pool(poolUrl, queue)) {
                poolId = pool.id();
                run = JobDriver.run(pool, "sleep", n, i -> SLEEP_MS, JobOptions.DEFAULTS.withChunkSize(CHUNK),
                        Map.of(n / 5, fault.on(pool)));
            }
            faults.awaitFaults(Duration.ofSeconds(240));
            cluster.restartStopped();
            long dupBound = (long) nodeFaults * (WORKERS * WORKER_HELD + PRODUCER_REPUBLISHED) * CHUNK;
            InvariantChecker.row(row, n).values(i -> SLEEP_MS).maxDupExec(dupBound).maxWall(Duration.ofSeconds(300))
                    .note(String.join(" ", notes))
                    .check(run, fleet, new Hygiene(cluster.anyRunning(), "/", queue, poolId, WORKERS,
                            WORKERS));
        }
    }
}
