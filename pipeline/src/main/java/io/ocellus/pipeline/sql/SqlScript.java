package io.ocellus.pipeline.sql;

import java.util.Arrays;
import java.util.List;
import java.util.Map;

/**
 * A file of SQL statements as {@code deploy/sql/classify-frames.sql} is written: {@code --} comment
 * lines, statements ended by {@code ;}, {@code ${NAME}} placeholders.
 */
public final class SqlScript {
    private SqlScript() {}

    /** The statements of {@code script} with its placeholders replaced. */
    public static List<String> statements(String script, Map<String, String> values) {
        StringBuilder sql = new StringBuilder();
        for (String line : script.split("\n")) {
            if (!line.strip().startsWith("--")) {
                sql.append(line).append('\n');
            }
        }
        String text = sql.toString();
        for (Map.Entry<String, String> value : values.entrySet()) {
            text = text.replace("${" + value.getKey() + "}", value.getValue());
        }
        if (text.contains("${")) {
            throw new IllegalArgumentException(
                    "a placeholder is left in the script: "
                            + text.substring(text.indexOf("${"), text.indexOf("${") + 20));
        }
        return Arrays.stream(text.split(";")).map(String::strip).filter(s -> !s.isEmpty()).toList();
    }
}
