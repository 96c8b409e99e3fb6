/**
 * The product's commands of the {@code ocellus} command line ({@link
 * io.ocellus.pipeline.OcellusCli} assembles them with the tools of {@code
 * io.ocellus.pipeline.tools}): the model commands ({@code models}, {@code classify}, {@code embed},
 * {@code eval}), the jobs ({@code stream}, {@code reprocess}, {@code geo-index}) and their report
 * ({@code report}). Flags that set job settings are bound to the settings' {@code ConfigOption}s
 * ({@link io.ocellus.pipeline.cli.Flags}; help text and defaults come from the options), brought by
 * the mixins that extend {@link io.ocellus.pipeline.cli.FlagGroup}; a command turns what was given
 * into a Flink configuration and calls {@link io.ocellus.pipeline.config.Jobs} or the model API.
 * Exit codes are {@link io.ocellus.pipeline.cli.ExitCode}.
 */
package io.ocellus.pipeline.cli;
