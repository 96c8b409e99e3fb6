package io.ocellus.pipeline.sql;

import static org.apache.flink.configuration.ConfigOptions.key;

import org.apache.flink.configuration.ConfigOption;

/**
 * The options of a SQL model that the jobs do not have. Every other {@code WITH} option is a job
 * setting under its own key ({@code 'ocellus.model.path'}, {@code 'ocellus.batching.size'}, ...).
 */
public final class SqlModelOptions {
    public static final ConfigOption<String> TASK =
            key("task")
                    .stringType()
                    .defaultValue("classify")
                    .withDescription(
                            "classify (OUTPUT label STRING, score FLOAT, top ARRAY<ROW<idx INT,"
                                    + " label STRING, score FLOAT>>, error STRING), embed (OUTPUT"
                                    + " embedding ARRAY<FLOAT>, error STRING) or detect (OUTPUT"
                                    + " detections ARRAY<ROW<idx INT, label STRING, score FLOAT,"
                                    + " ymin FLOAT, xmin FLOAT, ymax FLOAT, xmax FLOAT>>, error"
                                    + " STRING; the SSD of ocellus.detect.model or"
                                    + " ocellus.model.path). Every task may add model STRING.");

    private SqlModelOptions() {}
}
