/**
 * The {@code ocellus} command line ({@link io.ocellus.pipeline.cli.OcellusCli}): the model commands
 * ({@code models}, {@code classify}, {@code embed}, {@code eval}, {@code bench}), the jobs ({@code
 * stream}, {@code reprocess}, {@code geo-index}), their reports ({@code report}) and the local
 * tooling ({@code demo}, {@code broker}, {@code soak} and the {@code bench-*} commands). Each
 * command parses its flags and calls the job and model APIs; exit codes are {@link
 * io.ocellus.pipeline.cli.ExitCode}.
 */
package io.ocellus.pipeline.cli;
