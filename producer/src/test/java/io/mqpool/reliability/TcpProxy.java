package io.mqpool.reliability;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketException;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A TCP proxy on 127.0.0.1 in front of one target port, for network faults between clients and the broker.
 *
 * <ul>
 *   <li>{@link Mode#PASS}: forwards both ways (after {@link #latency(long)} ms per read, if set).</li>
 *   <li>{@link Mode#RESET}: closes every current connection with a TCP RST and resets new ones at once.</li>
 *   <li>{@link Mode#BLACKHOLE}: accepts new connections and holds all of them, forwarding nothing. On the way back
 *       to {@code PASS}, the held connections are reset, as a real network's peers would have timed them out.</li>
 * </ul>
 * Thread-safe.
 */
public final class TcpProxy implements AutoCloseable {
    public enum Mode { PASS, RESET, BLACKHOLE }

    private final ServerSocket server;
    private final int targetPort;
    private final Set<Link> links = ConcurrentHashMap.newKeySet();
    private final AtomicBoolean closed = new AtomicBoolean();
    private final AtomicInteger threadIds = new AtomicInteger();
    private final Object modeLock = new Object();
    private volatile Mode mode = Mode.PASS;
    private volatile long latencyMs;

    /** Starts a proxy on a free port of 127.0.0.1 forwarding to {@code 127.0.0.1:targetPort}. */
    public TcpProxy(int targetPort) throws IOException {
        this.targetPort = targetPort;
        this.server = new ServerSocket(0, 128, InetAddress.getLoopbackAddress());
        Thread acceptor = new Thread(this::acceptLoop, "mqpool-test-proxy-accept-" + server.getLocalPort());
        acceptor.setDaemon(true);
        acceptor.start();
    }

    public int port() {
        return server.getLocalPort();
    }

    public Mode mode() {
        return mode;
    }

    /** Connections currently proxied (or held). */
    public int connectionCount() {
        return links.size();
    }

    public void pass() {
        Mode previous;
        synchronized (modeLock) {
            previous = mode;
            mode = Mode.PASS;
            modeLock.notifyAll();
        }
        if (previous == Mode.BLACKHOLE) {
            for (Link l : links) {
                if (l.heldInBlackhole) {
                    l.reset();
                }
            }
        }
    }

    public void reset() {
        synchronized (modeLock) {
            mode = Mode.RESET;
            modeLock.notifyAll();
        }
        for (Link l : links) {
            l.reset();
        }
    }

    public void blackhole() {
        synchronized (modeLock) {
            mode = Mode.BLACKHOLE;
            for (Link l : links) {
                l.heldInBlackhole = true;
            }
        }
    }

    /** Delays every forwarded read by {@code ms} (0 for none), in both directions. */
    public void latency(long ms) {
        latencyMs = ms;
    }

    private void acceptLoop() {
        while (!closed.get()) {
            Socket client;
            try {
                client = server.accept();
            } catch (IOException e) {
                return;
            }
            Link link = new Link(client);
            links.add(link);
            if (mode == Mode.RESET) {
                link.reset();
                continue;
            }
            start("up", link::run);
        }
    }

    /** Wakes the links held in blackhole mode so they see a reset or the close. */
    private void wakeHeld() {
        synchronized (modeLock) {
            modeLock.notifyAll();
        }
    }

    private void start(String what, Runnable r) {
        Thread t = new Thread(r, "mqpool-test-proxy-" + port() + "-" + what + "-" + threadIds.incrementAndGet());
        t.setDaemon(true);
        t.start();
    }

    /**
     * Blocks while the proxy is in blackhole mode; returns false if the link must stop. A mode change, the link's
     * reset and the proxy's close each notify {@code modeLock}.
     */
    private boolean awaitPassable(Link link) throws InterruptedException {
        synchronized (modeLock) {
            while (mode == Mode.BLACKHOLE && !link.dead.get() && !closed.get()) {
                link.heldInBlackhole = true;
                modeLock.wait();
            }
        }
        return !link.dead.get() && !closed.get() && mode == Mode.PASS;
    }

    private final class Link {
        final Socket client;
        volatile Socket upstream;
        volatile boolean heldInBlackhole;
        final AtomicBoolean dead = new AtomicBoolean();

        Link(Socket client) {
            this.client = client;
        }

        void run() {
            try {
                if (!awaitPassable(this)) {
                    reset();
                    return;
                }
                Socket up = new Socket();
                up.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), targetPort), 5_000);
                up.setTcpNoDelay(true);
                client.setTcpNoDelay(true);
                upstream = up;
                if (dead.get()) {
                    reset();
                    return;
                }
                start("down", () -> pump(up, client));
                pump(client, up);
            } catch (IOException e) {
                reset();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                reset();
            }
        }

        void pump(Socket from, Socket to) {
            byte[] buf = new byte[16 * 1024];
            try {
                InputStream in = from.getInputStream();
                OutputStream out = to.getOutputStream();
                int n;
                while ((n = in.read(buf)) >= 0) {
                    if (!awaitPassable(this)) {
                        break;
                    }
                    long delay = latencyMs;
                    if (delay > 0) {
                        Thread.sleep(delay);  // the injected latency itself
                    }
                    out.write(buf, 0, n);
                    out.flush();
                }
            } catch (IOException e) {
                // The other side went away; reset both.
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            reset();
        }

        /** Closes both sockets with RST (SO_LINGER 0). Idempotent. */
        void reset() {
            if (!dead.compareAndSet(false, true)) {
                return;
            }
            wakeHeld();
            links.remove(this);
            abort(client);
            Socket up = upstream;
            if (up != null) {
                abort(up);
            }
        }

        private void abort(Socket s) {
            try {
                s.setSoLinger(true, 0);
            } catch (SocketException e) {
                // Closed already.
            }
            try {
                s.close();
            } catch (IOException e) {
                // Best effort.
            }
        }
    }

    @Override
    public void close() {
        if (!closed.compareAndSet(false, true)) {
            return;
        }
        wakeHeld();
        try {
            server.close();
        } catch (IOException e) {
            // Best effort.
        }
        for (Link l : links) {
            l.reset();
        }
    }
}
