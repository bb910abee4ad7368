package io.mqpool.producer;

/** How a job reaches the broker: where its results come from, and how its task messages go out. */
interface JobLink extends TaskSender {
    /**
     * Routes the results of job {@code jobId} to {@code sink} until the registration is cancelled.
     *
     * @throws IllegalStateException when a job with that id is already registered
     */
    Registration register(String jobId, ResultSink sink);

    /**
     * @param priorMessages result messages (and markers) the job's queue already held, left by an earlier run of a
     *     resumable job; 0 otherwise
     * @param cancel stops the routing and releases what the registration holds; idempotent
     */
    record Registration(long priorMessages, Runnable cancel) {
        public Registration {
            if (priorMessages < 0) {
                throw new IllegalArgumentException("prior messages must be >= 0, got " + priorMessages);
            }
            if (cancel == null) {
                throw new IllegalArgumentException("cancel must not be null");
            }
        }
    }
}
