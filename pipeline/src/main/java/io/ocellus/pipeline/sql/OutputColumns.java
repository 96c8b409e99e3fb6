package io.ocellus.pipeline.sql;

import io.ocellus.models.inference.Prediction;
import io.ocellus.models.inference.ScoredLabel;
import java.io.Serializable;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.apache.flink.table.api.ValidationException;
import org.apache.flink.table.catalog.Column;
import org.apache.flink.table.catalog.ResolvedSchema;
import org.apache.flink.table.data.GenericArrayData;
import org.apache.flink.table.data.GenericRowData;
import org.apache.flink.table.data.RowData;
import org.apache.flink.table.data.StringData;
import org.apache.flink.table.types.logical.ArrayType;
import org.apache.flink.table.types.logical.LogicalType;
import org.apache.flink.table.types.logical.LogicalTypeRoot;
import org.apache.flink.table.types.logical.RowType;

/**
 * The OUTPUT columns of an Ocellus SQL model, by name, and the rows that fill them: a prediction's
 * ({@link #row(Prediction, String)}) or an error's ({@link #error}), the other columns null.
 */
final class OutputColumns implements Serializable {
    private static final long serialVersionUID = 1L;

    /** A detector's boxes: class, label, score and normalised corners, best first. */
    static final String DETECTIONS =
            "ARRAY<ROW<idx INT, label STRING, score FLOAT, ymin FLOAT, xmin FLOAT, ymax FLOAT,"
                    + " xmax FLOAT>>";

    /** The columns each task may have, with the type each must have. */
    private static final Map<String, Map<String, String>> ALLOWED =
            Map.of(
                    "classify",
                    Map.of(
                            "label", "STRING",
                            "score", "FLOAT",
                            "top", "ARRAY<ROW<idx INT, label STRING, score FLOAT>>",
                            "model", "STRING",
                            "error", "STRING"),
                    "embed",
                    Map.of("embedding", "ARRAY<FLOAT>", "model", "STRING", "error", "STRING"),
                    "detect",
                    Map.of("detections", DETECTIONS, "model", "STRING", "error", "STRING"));

    private final List<String> names;

    private OutputColumns(List<String> names) {
        this.names = names;
    }

    /**
     * The output columns of {@code output} for {@code task}, checked.
     *
     * @throws ValidationException naming a column that is unknown or of the wrong type, or a
     *     missing {@code error} column
     */
    static OutputColumns of(String task, ResolvedSchema input, ResolvedSchema output) {
        Map<String, String> allowed = ALLOWED.get(task);
        if (allowed == null) {
            throw new ValidationException(
                    "ocellus model: 'task' = '" + task + "': expected classify, embed or detect");
        }
        List<Column> inputs = input.getColumns();
        if (inputs.size() != 1
                || !inputs.get(0).getDataType().getLogicalType().is(LogicalTypeRoot.VARBINARY)
                        && !inputs.get(0)
                                .getDataType()
                                .getLogicalType()
                                .is(LogicalTypeRoot.BINARY)) {
            throw new ValidationException(
                    "ocellus model: INPUT must be one BYTES column (the encoded image), got "
                            + input);
        }
        List<String> names = output.getColumnNames();
        for (Column column : output.getColumns()) {
            String expected = allowed.get(column.getName().toLowerCase(Locale.ROOT));
            if (expected == null) {
                throw new ValidationException(
                        "ocellus model: unknown OUTPUT column '"
                                + column.getName()
                                + "' for task "
                                + task
                                + ": expected some of "
                                + allowed);
            }
            if (!matches(column.getDataType().getLogicalType(), expected)) {
                throw new ValidationException(
                        "ocellus model: OUTPUT column '"
                                + column.getName()
                                + "' is "
                                + column.getDataType()
                                + ": expected "
                                + expected);
            }
        }
        if (!names.stream().map(n -> n.toLowerCase(Locale.ROOT)).toList().contains("error")) {
            throw new ValidationException(
                    "ocellus model: OUTPUT needs an 'error STRING' column: a frame that cannot be"
                            + " decoded gets its row with the reason there");
        }
        return new OutputColumns(names.stream().map(n -> n.toLowerCase(Locale.ROOT)).toList());
    }

    private static boolean matches(LogicalType type, String expected) {
        return switch (expected) {
            case "STRING" -> type.is(LogicalTypeRoot.VARCHAR) || type.is(LogicalTypeRoot.CHAR);
            case "FLOAT" -> type.is(LogicalTypeRoot.FLOAT);
            case "ARRAY<FLOAT>" ->
                    type instanceof ArrayType a && a.getElementType().is(LogicalTypeRoot.FLOAT);
            case DETECTIONS ->
                    type instanceof ArrayType a
                            && a.getElementType() instanceof RowType row
                            && row.getFieldCount() == 7
                            && row.getTypeAt(0).is(LogicalTypeRoot.INTEGER)
                            && row.getTypeAt(1).is(LogicalTypeRoot.VARCHAR)
                            && row.getFields().stream()
                                    .skip(2)
                                    .allMatch(f -> f.getType().is(LogicalTypeRoot.FLOAT));
            default ->
                    type instanceof ArrayType a
                            && a.getElementType() instanceof RowType row
                            && row.getFieldCount() == 3
                            && row.getTypeAt(0).is(LogicalTypeRoot.INTEGER)
                            && row.getTypeAt(1).is(LogicalTypeRoot.VARCHAR)
                            && row.getTypeAt(2).is(LogicalTypeRoot.FLOAT);
        };
    }

    /** The row of a prediction made by {@code modelId}. */
    RowData row(Prediction prediction, String modelId) {
        GenericRowData row = new GenericRowData(names.size());
        for (int i = 0; i < names.size(); i++) {
            row.setField(i, value(names.get(i), prediction, modelId));
        }
        return row;
    }

    /** The row of a frame that could not be processed: only {@code error} is set. */
    RowData error(String reasonCode, String message) {
        GenericRowData row = new GenericRowData(names.size());
        row.setField(names.indexOf("error"), StringData.fromString(reasonCode + ": " + message));
        return row;
    }

    private static Object value(String name, Prediction prediction, String modelId) {
        List<ScoredLabel> top = prediction.top();
        return switch (name) {
            case "label" -> top.isEmpty() ? null : StringData.fromString(top.get(0).label());
            case "score" -> top.isEmpty() ? null : top.get(0).score();
            case "top" ->
                    new GenericArrayData(
                            top.stream()
                                    .map(
                                            s ->
                                                    GenericRowData.of(
                                                            s.index(),
                                                            StringData.fromString(s.label()),
                                                            s.score()))
                                    .toArray());
            case "embedding" -> new GenericArrayData(prediction.embedding());
            case "detections" ->
                    new GenericArrayData(
                            prediction.detections().stream()
                                    .map(
                                            d ->
                                                    GenericRowData.of(
                                                            d.index(),
                                                            StringData.fromString(d.label()),
                                                            d.score(),
                                                            d.ymin(),
                                                            d.xmin(),
                                                            d.ymax(),
                                                            d.xmax()))
                                    .toArray());
            case "model" -> StringData.fromString(modelId);
            default -> null;
        };
    }

    /** Whether the task's results need the top labels. */
    boolean wantsLabels() {
        return names.contains("label") || names.contains("score") || names.contains("top");
    }
}
