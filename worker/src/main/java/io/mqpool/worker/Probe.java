package io.mqpool.worker;

/**
 * The answer of a container probe: whether it passes and, when it does not, why in one line.
 *
 * @param ok whether the probe passes
 * @param reason one line saying why it fails, or {@code "ok"}
 */
public record Probe(boolean ok, String reason) {
    static final Probe OK = new Probe(true, "ok");

    public Probe {
        if (reason == null || reason.isBlank()) {
            throw new IllegalArgumentException("a probe needs a reason");
        }
    }

    static Probe failing(String reason) {
        return new Probe(false, reason);
    }
}
