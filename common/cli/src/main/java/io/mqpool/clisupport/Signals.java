package io.mqpool.clisupport;

import sun.misc.Signal;

/** Routes SIGTERM and SIGINT to a callback so that main can stop gracefully and exit 0. */
public final class Signals {
    private Signals() {
    }

    public static void onTerminate(Runnable action) {
        for (String name : new String[] {"TERM", "INT"}) {
            Signal.handle(new Signal(name), signal -> action.run());
        }
    }
}
