package io.mqpool.amqp;

import java.lang.reflect.Proxy;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ScheduledExecutorService;

/** A scheduler whose tasks run only when the test says so; every delay is ignored. */
final class ManualScheduler {
    final List<Runnable> scheduled = new ArrayList<>();
    final ScheduledExecutorService executor = (ScheduledExecutorService) Proxy.newProxyInstance(
            ScheduledExecutorService.class.getClassLoader(), new Class<?>[] {ScheduledExecutorService.class},
            (proxy, method, args) -> {
                if (method.getName().equals("schedule") && args[0] instanceof Runnable r) {
                    scheduled.add(r);
                    return null;
                }
                throw new UnsupportedOperationException(method.getName());
            });

    /** Runs what is scheduled now (not what those tasks schedule); returns how many ran. */
    int runPending() {
        List<Runnable> now = List.copyOf(scheduled);
        scheduled.clear();
        now.forEach(Runnable::run);
        return now.size();
    }
}
