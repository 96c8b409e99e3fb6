/**
 * The product's commands of the {@code ocellus} command line ({@link
 * io.ocellus.pipeline.OcellusCli} assembles them with the tools of {@code
 * io.ocellus.pipeline.tools}): the model commands ({@code models}, {@code classify}, {@code embed},
 * {@code eval}), the jobs ({@code stream}, {@code reprocess}, {@code geo-index}) and their report
 * ({@code report}), with the option mixins they share ({@link
 * io.ocellus.pipeline.cli.ModelOptions}, {@link io.ocellus.pipeline.cli.WorkflowFlags}, {@link
 * io.ocellus.pipeline.cli.StreamOptions}). Each command parses its flags and calls the job and
 * model APIs; exit codes are {@link io.ocellus.pipeline.cli.ExitCode}.
 */
package io.ocellus.pipeline.cli;
