package io.ocellus.pipeline.config;

import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.lang.reflect.ParameterizedType;
import java.lang.reflect.Type;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.flink.configuration.ConfigOption;
import org.apache.flink.configuration.ReadableConfig;

/**
 * Every Ocellus setting, found in the options classes of this package: what {@code
 * deploy/CONFIGURATION.md} documents and what {@link #checkKeys} knows.
 */
public final class OcellusOptions {
    /** The prefix of every Ocellus key. */
    public static final String PREFIX = "ocellus.";

    /** The options classes, one per component, in the order they are documented. */
    public static final List<Class<?>> CLASSES =
            List.of(
                    ModelOptions.class,
                    DecodingOptions.class,
                    BatchingOptions.class,
                    TaskOptions.class,
                    DetectionOptions.class,
                    GeoLocationOptions.class,
                    KafkaOptions.class,
                    JobOptions.class,
                    ReprocessOptions.class,
                    LocalClusterOptions.class);

    /** One documented setting: its component (options class), option and value type. */
    public record Entry(Class<?> component, ConfigOption<?> option, String type) {
        public String key() {
            return option.key();
        }

        public String description() {
            return describe(option);
        }
    }

    private static final Map<String, Entry> BY_KEY = index();

    private OcellusOptions() {}

    /** Every setting, component by component. */
    public static List<Entry> all() {
        return List.copyOf(BY_KEY.values());
    }

    /** The setting of {@code key}, or null. */
    public static Entry find(String key) {
        return BY_KEY.get(key);
    }

    /** The value type of {@code option} as the reference names it (Integer, Duration, ...). */
    public static String typeOf(ConfigOption<?> option) {
        Entry entry = BY_KEY.get(option.key());
        if (entry != null) {
            return entry.type();
        }
        Object d = option.defaultValue();
        return d == null ? "String" : d.getClass().getSimpleName();
    }

    /** The description of {@code option} as plain text. */
    public static String describe(ConfigOption<?> option) {
        return new PlainTextFormatter().format(option.description()).strip();
    }

    /**
     * Fails on a key under {@value #PREFIX} that is no setting (a misspelt {@code -D}), naming it.
     */
    public static void checkKeys(ReadableConfig config) {
        for (String key : config.toMap().keySet()) {
            if (key.startsWith(PREFIX) && !BY_KEY.containsKey(key) && !underMap(key)) {
                throw new InvalidSettingException(
                        key,
                        config.toMap().get(key),
                        "no such setting; deploy/CONFIGURATION.md lists them");
            }
        }
    }

    private static boolean underMap(String key) {
        return key.startsWith(KafkaOptions.PROPERTIES.key() + ".");
    }

    private static Map<String, Entry> index() {
        Map<String, Entry> byKey = new LinkedHashMap<>();
        for (Class<?> component : CLASSES) {
            for (Field field : component.getDeclaredFields()) {
                if (Modifier.isStatic(field.getModifiers())
                        && field.getType() == ConfigOption.class) {
                    ConfigOption<?> option = read(field);
                    byKey.put(option.key(), new Entry(component, option, type(field)));
                }
            }
        }
        return byKey;
    }

    private static ConfigOption<?> read(Field field) {
        try {
            return (ConfigOption<?>) field.get(null);
        } catch (IllegalAccessException e) {
            throw new IllegalStateException("options must be public: " + field, e);
        }
    }

    private static String type(Field field) {
        Type generic = field.getGenericType();
        if (generic instanceof ParameterizedType p) {
            Type arg = p.getActualTypeArguments()[0];
            String name = arg.getTypeName().replaceAll("[a-z]+\\.", "");
            return name.replace("List<String>", "List of String")
                    .replace("Map<String, String>", "Map");
        }
        return "String";
    }
}
