package io.mqpool.worker.cli;

import io.micrometer.core.instrument.binder.jvm.ClassLoaderMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmThreadMetrics;
import io.micrometer.core.instrument.binder.system.ProcessorMetrics;
import io.micrometer.core.instrument.binder.system.UptimeMetrics;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.mqpool.worker.Probe;
import io.mqpool.worker.Worker;

/** The meters of an {@code mqpool-worker} process: the worker's own, and the JVM's that an operator expects. */
final class ProcessMeters {
    private ProcessMeters() {
    }

    /** A Prometheus registry with the JVM's memory, threads, classes, CPU and uptime. */
    static PrometheusMeterRegistry registry() {
        PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        new JvmMemoryMetrics().bindTo(registry);
        new JvmThreadMetrics().bindTo(registry);
        new ClassLoaderMetrics().bindTo(registry);
        new ProcessorMetrics().bindTo(registry);
        new UptimeMetrics().bindTo(registry);
        return registry;
    }

    /** What the HTTP endpoint serves: this registry's text and the worker's probes. */
    static MetricsServer.Source source(PrometheusMeterRegistry registry, Worker worker) {
        return new MetricsServer.Source() {
            @Override
            public String scrape() {
                return registry.scrape();
            }

            @Override
            public Probe liveness() {
                return worker.liveness();
            }

            @Override
            public Probe readiness() {
                return worker.readiness();
            }
        };
    }
}
