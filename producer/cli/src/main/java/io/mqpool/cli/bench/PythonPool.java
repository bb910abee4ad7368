package io.mqpool.cli.bench;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.OptionalDouble;
import java.util.concurrent.TimeUnit;

/**
 * Python's {@code multiprocessing.Pool(P).map(cube, range(1, N + 1))} on this machine, beside mqpool's default
 * chunking: run from a script shipped in this jar, by the {@code python3} on the PATH, when there is one.
 */
public final class PythonPool {
    private static final String SCRIPT = "pool_map.py";
    private static final long TIMEOUT_MINUTES = 10;

    private PythonPool() {
    }

    /**
     * One timed {@code map} in a fresh Python, after an untimed one that starts the processes: run between
     * mqpool's runs, so that both see the machine in the same state. Empty when there is no python3 here.
     *
     * @throws IllegalStateException when python3 is there but the script fails
     */
    public static OptionalDouble itemsPerSec(int items, int processes) throws InterruptedException {
        return itemsPerSec(items, processes, 1).map(rates -> OptionalDouble.of(rates[0])).orElse(OptionalDouble.empty());
    }

    /**
     * Runs the script; returns each run's items per second, or nothing when there is no python3 here.
     *
     * @throws IllegalStateException when python3 is there but the script fails
     */
    private static Optional<double[]> itemsPerSec(int items, int processes, int runs) throws InterruptedException {
        Path script = null;
        try (InputStream in = PythonPool.class.getResourceAsStream(SCRIPT)) {
            script = Files.createTempFile("mqpool-bench-", ".py");
            Files.write(script, in.readAllBytes());
            Process p;
            try {
                p = new ProcessBuilder("python3", script.toString(), String.valueOf(items), String.valueOf(processes),
                        String.valueOf(runs)).redirectError(ProcessBuilder.Redirect.DISCARD).start();
            } catch (IOException e) {
                return Optional.empty();  // no python3 on the PATH
            }
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (!p.waitFor(TIMEOUT_MINUTES, TimeUnit.MINUTES) || p.exitValue() != 0) {
                p.destroyForcibly();
                throw new IllegalStateException("python3 " + SCRIPT + " failed (exit " + (p.isAlive() ? "none" : p.exitValue()) + ")");
            }
            List<Double> rates = new ArrayList<>();
            for (String line : out.strip().split("\\R")) {
                rates.add(Double.parseDouble(line.strip()));
            }
            return Optional.of(rates.stream().mapToDouble(Double::doubleValue).toArray());
        } catch (IOException | NumberFormatException e) {
            throw new IllegalStateException("cannot run Python's Pool for comparison: " + e.getMessage(), e);
        } finally {
            if (script != null) {
                try {
                    Files.deleteIfExists(script);
                } catch (IOException ignored) {
                    // A temporary file left behind.
                }
            }
        }
    }
}
