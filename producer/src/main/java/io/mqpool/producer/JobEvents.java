package io.mqpool.producer;

/** What a job tells of itself beyond its task messages: its start, its end, and its cancel. */
interface JobEvents {
    /** Tells nothing; a cancel stays local to the job. */
    JobEvents NONE = new JobEvents() {
        @Override
        public void started(JobSpec spec) {
        }

        @Override
        public void finished(JobSpec spec) {
        }

        @Override
        public void cancel(String jobId) {
        }
    };

    void started(JobSpec spec);

    void finished(JobSpec spec);

    /** Makes the cancel durable, for the workers; returns once it is. */
    void cancel(String jobId);
}
