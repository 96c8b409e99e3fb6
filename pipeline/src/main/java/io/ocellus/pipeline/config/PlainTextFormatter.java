package io.ocellus.pipeline.config;

import java.util.EnumSet;
import org.apache.flink.configuration.description.Formatter;
import org.apache.flink.configuration.description.TextElement;

/**
 * A Flink option description as one line of plain text for the command line's help and the
 * configuration reference: placeholders filled with their elements (Flink's own options describe
 * themselves as {@code "... delayed by the settings %s, %s and %s"} with the keys as elements),
 * line breaks as spaces, a link as its text, a list as its items separated by semicolons.
 */
final class PlainTextFormatter extends Formatter {
    @Override
    protected void formatLink(StringBuilder state, String link, String description) {
        state.append(description.isEmpty() ? link : description);
    }

    @Override
    protected void formatLineBreak(StringBuilder state) {
        if (state.length() > 0 && state.charAt(state.length() - 1) != ' ') {
            state.append(' ');
        }
    }

    @Override
    protected void formatText(
            StringBuilder state,
            String format,
            String[] elements,
            EnumSet<TextElement.TextStyle> styles) {
        state.append(String.format(format, (Object[]) elements));
    }

    @Override
    protected void formatList(StringBuilder state, String[] entries) {
        state.append(String.join("; ", entries));
    }

    @Override
    protected Formatter newInstance() {
        return new PlainTextFormatter();
    }
}
