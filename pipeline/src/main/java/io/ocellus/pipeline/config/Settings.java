package io.ocellus.pipeline.config;

import java.util.Locale;
import java.util.Map;
import java.util.function.Function;
import java.util.function.Predicate;
import org.apache.flink.configuration.ConfigOption;
import org.apache.flink.configuration.ReadableConfig;

/**
 * Reads settings from a Flink configuration and checks them, failing with an {@link
 * InvalidSettingException} that names the key, the value given and what was expected.
 */
public final class Settings {
    private Settings() {}

    /** The value of {@code option}, or its default. */
    public static <T> T get(ReadableConfig config, ConfigOption<T> option) {
        try {
            return config.get(option);
        } catch (IllegalArgumentException e) {
            throw new InvalidSettingException(
                    option.key(), raw(config, option), expectedType(option));
        }
    }

    /** The value of {@code option}, which must be set (or have a default). */
    public static <T> T required(ReadableConfig config, ConfigOption<T> option, String expected) {
        T value = get(config, option);
        if (value == null || (value instanceof String s && s.isBlank())) {
            throw new InvalidSettingException(option.key(), null, expected);
        }
        return value;
    }

    /** The value of {@code option}, checked by {@code valid}. */
    public static <T> T checked(
            ReadableConfig config, ConfigOption<T> option, Predicate<T> valid, String expected) {
        T value = get(config, option);
        if (value != null && !valid.test(value)) {
            String written = raw(config, option);
            throw new InvalidSettingException(
                    option.key(), written != null ? written : value, expected);
        }
        return value;
    }

    /** The string value of {@code option} turned into a {@code T} by {@code parse}. */
    public static <T> T parsed(
            ReadableConfig config,
            ConfigOption<String> option,
            Function<String, T> parse,
            String expected) {
        String value = get(config, option);
        if (value == null) {
            return null;
        }
        try {
            return parse.apply(value);
        } catch (IllegalArgumentException e) {
            throw new InvalidSettingException(option.key(), value, expected);
        }
    }

    /** The string value of {@code option} as a constant of {@code type}, in any case. */
    public static <E extends Enum<E>> E enumValue(
            ReadableConfig config, ConfigOption<String> option, Class<E> type, String expected) {
        return parsed(
                config,
                option,
                v -> Enum.valueOf(type, v.strip().toUpperCase(Locale.ROOT).replace('-', '_')),
                expected);
    }

    /** An integer at least {@code min}. */
    public static int atLeast(ReadableConfig config, ConfigOption<Integer> option, int min) {
        return checked(config, option, v -> v >= min, "an integer >= " + min);
    }

    /** Whether {@code option} was given, as opposed to falling back to its default. */
    public static boolean isSet(ReadableConfig config, ConfigOption<?> option) {
        return config.getOptional(option).isPresent();
    }

    private static String raw(ReadableConfig config, ConfigOption<?> option) {
        Map<String, String> map = config.toMap();
        return map.get(option.key());
    }

    private static String expectedType(ConfigOption<?> option) {
        Object d = option.defaultValue();
        String type = OcellusOptions.typeOf(option).toLowerCase(Locale.ROOT);
        return "a value of type " + type + (d == null ? "" : " such as \"" + d + "\"");
    }
}
