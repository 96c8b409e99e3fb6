package io.ocellus.pipeline.cli;

/** The exit codes of every {@code ocellus} command. */
public enum ExitCode {
    /** Everything asked for was done. */
    OK(0),
    /** The command ran, but some inputs failed (each reported on its own line). */
    SOME_FAILED(1),
    /** The command could not run: a usage error, no model, a job that failed. */
    CANNOT_RUN(2),
    /** A reprocess run ended without accounting for every entry. */
    UNACCOUNTED(3),
    /**
     * The embedded cluster lost its TaskManager to a fatal error while the job ran: the process
     * ends so that a supervisor starts it again (the job resumes from its last checkpoint).
     */
    CLUSTER_LOST(70);

    private final int code;

    ExitCode(int code) {
        this.code = code;
    }

    public int code() {
        return code;
    }
}
