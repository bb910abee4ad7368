package io.mqpool.worker;

import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.Properties;

/** Who a worker is, beyond its settings: its host, its process, and the mqpool version it runs. */
final class HostIdentity {
    private static final String VERSION_RESOURCE = "version.properties";

    private HostIdentity() {
    }

    /** This host's name, or {@code localhost} when it cannot be found. */
    static String hostName() {
        try {
            return InetAddress.getLocalHost().getHostName();
        } catch (UnknownHostException e) {
            return "localhost";
        }
    }

    static long pid() {
        return ProcessHandle.current().pid();
    }

    /** The default worker id: host-pid. */
    static String defaultWorkerId() {
        return hostName() + "-" + pid();
    }

    /** The mqpool version of this build, as the build wrote it into the jar, or {@code unknown}. */
    static String version() {
        try (InputStream in = HostIdentity.class.getResourceAsStream(VERSION_RESOURCE)) {
            if (in == null) {
                return "unknown";
            }
            Properties p = new Properties();
            p.load(in);
            String v = p.getProperty("version", "").strip();
            return v.isEmpty() || v.startsWith("$") ? "unknown" : v;
        } catch (IOException e) {
            return "unknown";
        }
    }
}
