package io.ocellus.pipeline.cli;

import io.ocellus.models.ModelException;
import io.ocellus.models.inference.EngineFactory;
import io.ocellus.models.inference.InputSpec;
import io.ocellus.models.inference.Predictor;
import io.ocellus.models.inference.PredictorFactory;
import io.ocellus.models.inference.SharedPredictorFactory;
import io.ocellus.models.io.ModelSource;
import io.ocellus.operators.batch.MicroBatchOptions;
import io.ocellus.operators.decode.DecodeOptions;
import io.ocellus.operators.inference.InferenceTasks;
import io.ocellus.pipeline.kafka.InputFormat;
import io.ocellus.pipeline.kafka.KafkaCodec;
import io.ocellus.pipeline.kafka.StreamJobOptions;
import io.ocellus.pipeline.local.LocalFlink;
import io.ocellus.pipeline.workflow.WorkflowOptions;
import io.ocellus.schemas.serde.WireFormat;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.flink.connector.base.DeliveryGuarantee;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import picocli.CommandLine.Option;

/** Options shared by {@code stream} and {@code demo}: formats, batching, guarantees, tasks. */
final class StreamOptions {
    @Option(
            names = "--input-format",
            defaultValue = "raw",
            converter = InputFormatConverter.class,
            description =
                    "raw (the value is the image; key = source id; headers frame-id, content-type, event-time, latitude, longitude), avro-binary, avro-single-object, or avro-registry (a schema registry's layout: byte 0, 4-byte schema id, Avro body; needs --registry-url). Default: ${DEFAULT-VALUE}.")
    InputFormat inputFormat;

    @Option(
            names = "--output-format",
            defaultValue = "single-object",
            converter = WireFormatConverter.class,
            description =
                    "Avro layout of the output topics: binary, single-object, or registry (schemas registered in the schema registry, its ids in the values; needs --registry-url). Default: ${DEFAULT-VALUE}.")
    WireFormat outputFormat;

    @Option(
            names = "--registry-url",
            paramLabel = "URL",
            description =
                    "Apicurio Registry's API root for the registry formats, e.g. http://registry:8080/apis/registry/v3. Further apicurio.registry.* settings (authentication, TLS) go in --kafka-property.")
    String registryUrl;

    @Option(
            names = "--top",
            defaultValue = "5",
            description = "Labels per classification. Default: ${DEFAULT-VALUE}.")
    int top;

    @Option(names = "--raw-embeddings", description = "Do not L2-normalise embeddings.")
    boolean rawEmbeddings;

    @Option(
            names = "--batch-size",
            defaultValue = "8",
            description = "Frames per forward pass. Default: ${DEFAULT-VALUE}.")
    int batchSize;

    @Option(
            names = "--batch-delay-ms",
            defaultValue = "100",
            description = "Longest a frame waits for its batch to fill. Default: ${DEFAULT-VALUE}.")
    long batchDelayMillis;

    @Option(
            names = "--max-pixels",
            defaultValue = "50000000",
            description =
                    "Frames with more pixels go to dead letters, checked from the header. Default: ${DEFAULT-VALUE}.")
    long maxPixels;

    @Option(
            names = "--max-image-bytes",
            defaultValue = "33554432",
            description =
                    "Frames whose encoded image is larger go to dead letters; claim-checked objects are never read past it. Default: ${DEFAULT-VALUE} (32 MiB).")
    long maxImageBytes;

    @Option(
            names = "--max-decode-ms",
            defaultValue = "5000",
            description =
                    "A frame whose decoding takes longer goes to dead letters (DECODE_TIMEOUT); the job moves on. Default: ${DEFAULT-VALUE}.")
    long maxDecodeMillis;

    @Option(
            names = "--claim-check-root",
            paramLabel = "URI",
            description =
                    "A URI prefix claim-checked images may be fetched from (file:///data/frames/, s3://bucket/frames/ with Flink's S3 plugin); repeatable. Without one, claim-checked frames go to dead letters (CLAIM_CHECK_NOT_ALLOWED).")
    List<String> claimCheckRoots = List.of();

    @Option(
            names = "--no-jpeg-scaling",
            description =
                    "Decode every JPEG in full. By default large JPEGs are decoded scaled down by 2, 4 or 8 in the DCT, keeping the shorter side at least the network's input resolution.")
    boolean noJpegScaling;

    @Option(
            names = "--at-least-once",
            description =
                    "Deliver at least once instead of exactly once (no transactions; results appear without waiting for checkpoints).")
    boolean atLeastOnce;

    @Option(
            names = "--checkpoint-interval-ms",
            defaultValue = "5000",
            description =
                    "Checkpoint interval; exactly-once results appear about one interval after their frames. Default: ${DEFAULT-VALUE}.")
    long checkpointMillis;

    @Option(
            names = "--kafka-properties-file",
            paramLabel = "FILE",
            description =
                    "Kafka client settings from a Java properties file, read where the job is built: the way to pass secrets (sasl.jaas.config, ssl.*.password), which then appear in no command line, Flink configuration or log. --kafka-property entries override it.")
    java.nio.file.Path kafkaPropertiesFile;

    @Option(
            names = "--kafka-property",
            paramLabel = "KEY=VALUE",
            description =
                    "A Kafka client setting passed through unchanged (SASL, SSL, ...); repeatable.")
    List<String> kafkaProperties = List.of();

    @Option(
            names = "--parallelism",
            description =
                    "Parallel instances of each operator (task slots used). Default: the cluster's default (a local run: one per core); 1 for demo.")
    Integer parallelism;

    @Option(
            names = "--engine-per-slot",
            description =
                    "One TensorFlow engine per parallel instance. By default the slots of a TaskManager share one engine per model: one copy of the weights and of the session's memory (bench-pipeline, 2 slots, 1.0_224: 1.96 GB resident shared, 2.92 GB one per slot; throughput the same within the machine's noise).")
    boolean enginePerSlot;

    /**
     * The job on a broker of one's own (demo, bench, soak): raw frames in, classifications and dead
     * letters out, with these options.
     */
    StreamJobOptions classificationJob(
            String bootstrapServers,
            String inputTopic,
            String classificationsTopic,
            String deadLetterTopic,
            String jobName,
            boolean bounded,
            WorkflowOptions workflow) {
        return new StreamJobOptions(
                bootstrapServers,
                inputTopic,
                InputFormat.RAW,
                classificationsTopic,
                null,
                null,
                deadLetterTopic,
                outputFormat,
                guarantee(),
                jobName,
                kafkaProperties(),
                registryUrl,
                bounded,
                workflow);
    }

    /**
     * The execution environment (a loopback local cluster from a shell) with {@code --parallelism},
     * else {@code fallback} when not null, checkpointing every {@code checkpointMillis}.
     */
    StreamExecutionEnvironment environment(Integer fallback, long checkpointMillis) {
        StreamExecutionEnvironment env = LocalFlink.environment();
        Integer chosen = parallelism != null ? parallelism : fallback;
        if (chosen != null) {
            env.setParallelism(chosen);
        }
        env.enableCheckpointing(checkpointMillis);
        return env;
    }

    /** How the output topics' records are encoded. */
    KafkaCodec.Settings outputCodec() {
        return KafkaCodec.Settings.from(outputFormat, registryUrl, kafkaProperties());
    }

    DeliveryGuarantee guarantee() {
        return atLeastOnce ? DeliveryGuarantee.AT_LEAST_ONCE : DeliveryGuarantee.EXACTLY_ONCE;
    }

    Map<String, String> kafkaProperties() {
        Map<String, String> properties = new LinkedHashMap<>();
        if (kafkaPropertiesFile != null) {
            java.util.Properties file = new java.util.Properties();
            try (java.io.Reader in = java.nio.file.Files.newBufferedReader(kafkaPropertiesFile)) {
                file.load(in);
            } catch (java.io.IOException e) {
                throw new IllegalArgumentException(
                        "cannot read --kafka-properties-file " + kafkaPropertiesFile + ": " + e, e);
            }
            file.stringPropertyNames()
                    .forEach(key -> properties.put(key, file.getProperty(key).trim()));
        }
        for (String pair : kafkaProperties) {
            int eq = pair.indexOf('=');
            if (eq <= 0) {
                throw new IllegalArgumentException(
                        "--kafka-property needs KEY=VALUE, got '" + pair + "'");
            }
            properties.put(pair.substring(0, eq).trim(), pair.substring(eq + 1).trim());
        }
        return properties;
    }

    WorkflowOptions workflow(
            ModelOptions model, boolean classifications, boolean embeddings, boolean features)
            throws ModelException {
        ModelSource source = model.source();
        // Open the model once here (no warm-up) to learn its input: the decoding tasks then
        // resize frames to it, and decode large JPEGs scaled down to just above it.
        InputSpec input;
        try (Predictor probe = new EngineFactory(source, model.engineOptions(List.of())).open()) {
            input = InputSpec.of(probe);
        }
        PredictorFactory engine =
                new EngineFactory(source, model.engineOptions(List.of(batchSize)));
        return new WorkflowOptions(
                enginePerSlot ? engine : new SharedPredictorFactory(engine),
                new InferenceTasks(classifications ? top : 0, embeddings, !rawEmbeddings, features),
                new MicroBatchOptions(batchSize, Duration.ofMillis(batchDelayMillis)),
                new DecodeOptions(
                        maxPixels,
                        maxImageBytes,
                        noJpegScaling ? 0 : input.resolution(),
                        claimCheckRoots,
                        maxDecodeMillis,
                        input));
    }

    static final class InputFormatConverter
            implements picocli.CommandLine.ITypeConverter<InputFormat> {
        @Override
        public InputFormat convert(String value) {
            return InputFormat.parse(value);
        }
    }

    static final class WireFormatConverter
            implements picocli.CommandLine.ITypeConverter<WireFormat> {
        @Override
        public WireFormat convert(String value) {
            return WireFormat.parse(value);
        }
    }
}
