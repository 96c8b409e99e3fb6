package io.ocellus.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import com.networknt.schema.Schema;
import com.networknt.schema.SchemaRegistry;
import com.networknt.schema.SpecificationVersion;
import io.ocellus.pipeline.StreamJobMain;
import io.ocellus.pipeline.cli.JobCommands;
import io.ocellus.pipeline.config.OcellusOptions;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.flink.configuration.Configuration;
import org.junit.jupiter.api.Test;

/**
 * The deployment manifests against the schemas they claim to follow, and against the build: the
 * FlinkDeployment against the Flink Kubernetes Operator's CRD (JSON-schema validation of its
 * openAPIV3Schema, plus the unknown-field check that {@code kubectl apply --validate=strict}
 * makes), the Compose file against the Compose specification's schema; both, and the Dockerfile,
 * run the same Flink version, jars, entry class and settings as the standalone tests. Each check is
 * also shown to fail on a broken copy, so a pass means something.
 */
class DeploymentManifestsTest {
    private static final Path ROOT = Path.of(System.getProperty("ocellus.root", "..")).normalize();
    private static final Path SCHEMAS = Path.of("src/test/resources/schemas");
    private static final YAMLMapper YAML = new YAMLMapper();
    private static final String FLINK = System.getProperty("ocellus.flink.version", "2.2.1");

    @Test
    void theFlinkDeploymentFollowsTheOperatorsCrd() throws IOException {
        assertThat(crdProblems(flinkDeployment())).isEmpty();
    }

    @Test
    void theCrdCheckRefusesWhatKubernetesWould() throws IOException {
        ObjectNode broken = (ObjectNode) flinkDeployment();
        ObjectNode spec = (ObjectNode) broken.get("spec");
        spec.put("flinkVersion", "v2_9");
        ((ObjectNode) spec.get("job")).put("upgradeMode", "sometimes");
        ((ObjectNode) spec.get("taskManager")).put("replica", 3);
        ((ObjectNode) spec.get("jobManager").get("resource")).put("cpu", "one");
        List<String> problems = crdProblems(broken);
        assertThat(String.join("\n", problems))
                .contains("flinkVersion")
                .contains("upgradeMode")
                .contains("spec.taskManager.replica")
                .contains("cpu");
    }

    @Test
    void theFlinkDeploymentRunsWhatTheBuildMakes() throws IOException {
        JsonNode spec = flinkDeployment().get("spec");
        String[] version = FLINK.split("\\.");
        assertThat(spec.get("flinkVersion").asText())
                .isEqualTo("v" + version[0] + "_" + version[1]);
        assertThat(spec.at("/job/entryClass").asText()).isEqualTo(StreamJobMain.class.getName());
        assertThat(spec.at("/job/jarURI").asText()).endsWith("/usrlib/ocellus-job.jar");
        assertThat(spec.at("/job/upgradeMode").asText()).isIn("savepoint", "last-state");
        JsonNode config = spec.get("flinkConfiguration");
        assertThat(config.get("high-availability.type").asText()).isEqualTo("kubernetes");
        for (String key :
                List.of(
                        "high-availability.storageDir",
                        "execution.checkpointing.dir",
                        "execution.checkpointing.savepoint-dir",
                        "metrics.reporter.prom.factory.class")) {
            assertThat(config.has(key)).as(key).isTrue();
        }
        List<String> ocellusKeys = new ArrayList<>();
        for (Map.Entry<String, JsonNode> entry : config.properties()) {
            if (entry.getKey().startsWith(OcellusOptions.PREFIX)) {
                ocellusKeys.add(entry.getKey());
                assertThat(OcellusOptions.find(entry.getKey())).as(entry.getKey()).isNotNull();
            }
        }
        assertThat(ocellusKeys).contains("ocellus.model.path", "ocellus.kafka.input-topic");
        // The model is on a volume mounted where ocellus.model.path points.
        String models = config.get("ocellus.model.path").asText();
        JsonNode mounts = spec.at("/podTemplate/spec/containers/0/volumeMounts");
        List<String> mounted = new ArrayList<>();
        mounts.forEach(m -> mounted.add(m.get("mountPath").asText()));
        assertThat(mounted).contains(models);
    }

    @Test
    void theComposeFileFollowsTheComposeSpecification() throws IOException {
        assertThat(composeProblems(compose())).isEmpty();
        ObjectNode broken = (ObjectNode) compose();
        ((ObjectNode) broken.at("/services/kafka")).put("restart_policy", "always");
        ((ObjectNode) broken.at("/services/taskmanager")).put("depends_on", 42);
        assertThat(String.join("\n", composeProblems(broken)))
                .contains("restart_policy")
                .contains("depends_on");
    }

    @Test
    void composeAndTheDockerfileRunTheStandaloneTestsJarsClassAndFlags() throws IOException {
        String dockerfile = Files.readString(ROOT.resolve("deploy/docker/Dockerfile"));
        assertThat(dockerfile)
                .contains("FROM flink:" + FLINK + "-java17")
                .contains("COPY deploy/target/cluster-lib/ /opt/flink/lib/")
                .contains("COPY deploy/target/ocellus-job.jar /opt/flink/usrlib/ocellus-job.jar");
        String command = compose().at("/services/jobmanager/command").asText();
        Matcher entry = Pattern.compile("--job-classname (\\S+)").matcher(command);
        assertThat(entry.find()).isTrue();
        assertThat(entry.group(1)).isEqualTo(StreamJobMain.class.getName());
        // The job's flags are the stream command's, parsed the way StreamJobMain parses them.
        String[] flags = command.substring(entry.end()).trim().split("\\s+");
        Configuration settings = JobCommands.streamSettings(flags);
        assertThat(settings).isNotNull();
        assertThat(settings.toMap())
                .containsEntry("ocellus.kafka.input-topic", "frames")
                .containsKey("ocellus.model.path");
    }

    /** The CRD's problems with a FlinkDeployment: schema errors and fields it does not know. */
    private static List<String> crdProblems(JsonNode manifest) throws IOException {
        JsonNode crd =
                YAML.readTree(SCHEMAS.resolve("flinkdeployments.flink.apache.org-v1.yml").toFile());
        String version = manifest.get("apiVersion").asText().replaceAll(".*/", "");
        JsonNode schemaNode = null;
        for (JsonNode v : crd.at("/spec/versions")) {
            if (v.get("name").asText().equals(version) && v.get("served").asBoolean()) {
                schemaNode = v.at("/schema/openAPIV3Schema");
            }
        }
        assertThat(schemaNode).as("the CRD serves " + version).isNotNull();
        Schema schema =
                SchemaRegistry.withDefaultDialect(SpecificationVersion.DRAFT_4)
                        .getSchema(schemaNode);
        List<String> problems = new ArrayList<>();
        schema.validate(manifest).forEach(error -> problems.add(error.toString()));
        unknownFields(manifest, schemaNode, "", problems);
        return problems;
    }

    /**
     * Fields the structural schema does not declare: the API server would prune them silently,
     * {@code kubectl --validate=strict} refuses them.
     */
    private static void unknownFields(
            JsonNode value, JsonNode schema, String path, List<String> problems) {
        if (schema == null || schema.path("x-kubernetes-preserve-unknown-fields").asBoolean()) {
            return;
        }
        if (value.isObject()) {
            JsonNode properties = schema.get("properties");
            JsonNode additional = schema.get("additionalProperties");
            for (Map.Entry<String, JsonNode> field : value.properties()) {
                String at = path.isEmpty() ? field.getKey() : path + "." + field.getKey();
                if (properties != null && properties.has(field.getKey())) {
                    unknownFields(field.getValue(), properties.get(field.getKey()), at, problems);
                } else if (additional != null && additional.isObject()) {
                    unknownFields(field.getValue(), additional, at, problems);
                } else if (!path.isEmpty()
                        || !List.of("apiVersion", "kind", "metadata").contains(field.getKey())) {
                    // the API server itself checks these three of every object
                    problems.add("unknown field " + at);
                }
            }
        } else if (value.isArray()) {
            int i = 0;
            for (JsonNode item : value) {
                unknownFields(item, schema.get("items"), path + "[" + i++ + "]", problems);
            }
        }
    }

    private static List<String> composeProblems(JsonNode compose) throws IOException {
        try (InputStream in = Files.newInputStream(SCHEMAS.resolve("compose-spec.json"))) {
            ObjectNode spec = (ObjectNode) new ObjectMapper().readTree(in);
            spec.remove("$id"); // a bare file name, which the validator does not take as a base IRI
            Schema schema =
                    SchemaRegistry.withDefaultDialect(SpecificationVersion.DRAFT_7).getSchema(spec);
            List<String> problems = new ArrayList<>();
            schema.validate(compose).forEach(error -> problems.add(error.toString()));
            return problems;
        }
    }

    private static JsonNode flinkDeployment() throws IOException {
        return YAML.readTree(
                ROOT.resolve("deploy/kubernetes/ocellus-flinkdeployment.yaml").toFile());
    }

    private static JsonNode compose() throws IOException {
        return YAML.readTree(ROOT.resolve("deploy/docker/docker-compose.yml").toFile());
    }
}
