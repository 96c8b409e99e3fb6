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
    UNACCOUNTED(3);

    private final int code;

    ExitCode(int code) {
        this.code = code;
    }

    public int code() {
        return code;
    }
}
