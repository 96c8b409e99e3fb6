package io.ocellus.pipeline.cli;

import io.ocellus.pipeline.config.OcellusOptions;
import java.util.List;
import java.util.function.Function;
import org.apache.flink.configuration.ConfigOption;
import org.apache.flink.configuration.Configuration;
import picocli.CommandLine.Model.OptionSpec;

/**
 * A command-line flag bound to a setting: its names and how its argument becomes the setting's
 * value. The help text and the default come from the {@link ConfigOption}; nothing else declares
 * them.
 *
 * @param names the flag's names, longest last
 * @param option the setting it sets
 * @param paramLabel the argument's name in the help, or null for a switch
 * @param kind how the arguments are turned into the setting's value
 * @param convert turns one argument into the value (a switch: ignores it and returns the value set)
 * @param defaultText the default as the help shows it, or null for none; for a switch, the summary
 *     its help starts with, or null for the setting's description
 */
public record Flag(
        List<String> names,
        ConfigOption<?> option,
        String paramLabel,
        Kind kind,
        Function<String, String> convert,
        String defaultText) {

    /** How the arguments of a flag are read. */
    public enum Kind {
        /** One argument, the value. */
        VALUE,
        /** No argument: the flag sets a fixed value. */
        SWITCH,
        /** Repeatable: the values form a list. */
        LIST,
        /** Repeatable {@code KEY=VALUE}: entries of a map setting. */
        ENTRIES
    }

    /** A flag whose argument is the setting's value as written. */
    public static Flag value(String name, ConfigOption<?> option, String paramLabel) {
        return new Flag(List.of(name), option, paramLabel, Kind.VALUE, v -> v, defaultOf(option));
    }

    /** A flag whose argument is converted ({@code --batch-delay-ms 100} to "100 ms"). */
    public static Flag converted(
            String name,
            ConfigOption<?> option,
            String paramLabel,
            Function<String, String> convert,
            String defaultText) {
        return new Flag(List.of(name), option, paramLabel, Kind.VALUE, convert, defaultText);
    }

    /** A switch that sets {@code value} ({@code --no-jpeg-scaling} sets "false"). */
    public static Flag switching(String name, ConfigOption<?> option, String value) {
        return switching(name, option, value, null);
    }

    /** As above, its help led by {@code summary} instead of the setting's description. */
    public static Flag switching(
            String name, ConfigOption<?> option, String value, String summary) {
        return new Flag(List.of(name), option, null, Kind.SWITCH, v -> value, summary);
    }

    /** A repeatable flag whose values form the list of {@code option}. */
    public static Flag list(String name, ConfigOption<?> option, String paramLabel) {
        return new Flag(List.of(name), option, paramLabel, Kind.LIST, v -> v, null);
    }

    /** A repeatable {@code KEY=VALUE} flag adding entries to the map of {@code option}. */
    public static Flag entries(String name, ConfigOption<?> option) {
        return new Flag(List.of(name), option, "KEY=VALUE", Kind.ENTRIES, v -> v, null);
    }

    /** The flag's main name. */
    public String name() {
        return names.get(names.size() - 1);
    }

    /** The picocli option of this flag. */
    OptionSpec spec() {
        String text = OcellusOptions.describe(option);
        if (kind == Kind.SWITCH) {
            text =
                    (defaultText == null ? text : defaultText)
                            + " Sets "
                            + option.key()
                            + " to "
                            + convert.apply("")
                            + ".";
        } else {
            text = text + (defaultText == null ? "" : " Default: " + defaultText + ".");
            text = text + " Setting: " + option.key() + ".";
        }
        if (kind == Kind.LIST || kind == Kind.ENTRIES) {
            text = text + " Repeatable.";
        }
        OptionSpec.Builder spec =
                OptionSpec.builder(names.toArray(String[]::new))
                        .description(text.replace("%", "%%"))
                        .descriptionKey(option.key());
        return switch (kind) {
            case SWITCH -> spec.arity("0").type(boolean.class).build();
            case VALUE -> spec.arity("1").type(String.class).paramLabel(paramLabel).build();
            case LIST ->
                    spec.arity("1..*")
                            .type(List.class)
                            .auxiliaryTypes(String.class)
                            .paramLabel(paramLabel)
                            .build();
            case ENTRIES ->
                    spec.arity("1")
                            .type(List.class)
                            .auxiliaryTypes(String.class)
                            .paramLabel(paramLabel)
                            .build();
        };
    }

    /** Sets the setting from the flag's arguments as given on the command line. */
    void apply(Configuration config, List<String> arguments) {
        switch (kind) {
            case VALUE, SWITCH ->
                    config.setString(
                            option.key(),
                            convert.apply(arguments.isEmpty() ? "" : arguments.get(0)));
            case LIST ->
                    config.setString(
                            option.key(),
                            String.join(";", arguments.stream().map(Flag::quoteListItem).toList()));
            case ENTRIES -> {
                for (String pair : arguments) {
                    int eq = pair.indexOf('=');
                    if (eq <= 0) {
                        throw new IllegalArgumentException(
                                name() + " needs KEY=VALUE, got '" + pair + "'");
                    }
                    config.setString(
                            option.key() + "." + pair.substring(0, eq).trim(),
                            pair.substring(eq + 1).trim());
                }
            }
        }
    }

    /** An item of a Flink list value: quoted when it holds the separator or a quote. */
    static String quoteListItem(String item) {
        if (item.contains(";") || item.contains("'") || item.contains("\"")) {
            return "'" + item.replace("'", "''") + "'";
        }
        return item;
    }

    private static String defaultOf(ConfigOption<?> option) {
        if (!option.hasDefaultValue()) {
            return null;
        }
        Object value = option.defaultValue();
        if (value instanceof List<?> list) {
            return list.isEmpty()
                    ? null
                    : String.join(",", list.stream().map(String::valueOf).toList());
        }
        if (value instanceof java.util.Map<?, ?>) {
            return null;
        }
        return String.valueOf(value);
    }
}
