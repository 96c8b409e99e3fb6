package io.ocellus.pipeline.sql;

import io.ocellus.pipeline.config.BatchingOptions;
import io.ocellus.pipeline.config.DecodingOptions;
import io.ocellus.pipeline.config.DetectionOptions;
import io.ocellus.pipeline.config.InvalidSettingException;
import io.ocellus.pipeline.config.ModelOptions;
import io.ocellus.pipeline.config.OcellusOptions;
import io.ocellus.pipeline.config.TaskOptions;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.flink.configuration.ConfigOption;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.table.api.ValidationException;
import org.apache.flink.table.catalog.ResolvedCatalogModel;
import org.apache.flink.table.factories.FactoryUtil;
import org.apache.flink.table.factories.ModelProviderFactory;
import org.apache.flink.table.functions.AsyncPredictFunction;
import org.apache.flink.table.ml.AsyncPredictRuntimeProvider;
import org.apache.flink.table.ml.ModelProvider;

/**
 * {@code 'provider' = 'ocellus'}: MobileNet inside the TaskManager for {@code ML_PREDICT}. The
 * {@code WITH} options are {@code 'task'} and the jobs' own model, decoding, batching and result
 * settings under their keys ({@code 'ocellus.model.path'}, {@code 'ocellus.batching.size'}, ...,
 * deploy/CONFIGURATION.md), checked as the jobs check them: an unknown key or a wrong value fails
 * the statement, naming the key.
 */
public final class OcellusModelProviderFactory implements ModelProviderFactory {
    public static final String IDENTIFIER = "ocellus";

    /** The components whose settings a SQL model takes. */
    private static final List<Class<?>> COMPONENTS =
            List.of(
                    ModelOptions.class,
                    DecodingOptions.class,
                    BatchingOptions.class,
                    TaskOptions.class,
                    DetectionOptions.class);

    @Override
    public ModelProvider createModelProvider(Context context) {
        FactoryUtil.ModelProviderFactoryHelper helper =
                FactoryUtil.createModelProviderFactoryHelper(this, context);
        helper.validate();
        ResolvedCatalogModel model = context.getCatalogModel();
        String task = helper.getOptions().get(SqlModelOptions.TASK);
        OutputColumns columns =
                OutputColumns.of(
                        task, model.getResolvedInputSchema(), model.getResolvedOutputSchema());
        Map<String, String> settings = new HashMap<>();
        model.getOptions()
                .forEach(
                        (key, value) -> {
                            if (key.startsWith(OcellusOptions.PREFIX)) {
                                settings.put(key, value);
                            }
                        });
        check(Configuration.fromMap(settings));
        return new Provider(new OcellusPredictFunction(settings, task, columns));
    }

    /** The settings' values, checked now rather than on the TaskManagers. */
    private static void check(Configuration settings) {
        try {
            BatchingOptions.batching(settings);
            TaskOptions.topK(settings);
            DetectionOptions.query(settings);
            ModelOptions.preprocessing(settings);
            ModelOptions.engineOptions(settings, List.of());
        } catch (InvalidSettingException e) {
            throw new ValidationException("ocellus model: " + e.getMessage(), e);
        }
    }

    @Override
    public String factoryIdentifier() {
        return IDENTIFIER;
    }

    @Override
    public Set<ConfigOption<?>> requiredOptions() {
        return Set.of();
    }

    @Override
    public Set<ConfigOption<?>> optionalOptions() {
        Set<ConfigOption<?>> options = new LinkedHashSet<>();
        options.add(SqlModelOptions.TASK);
        for (OcellusOptions.Entry entry : OcellusOptions.all()) {
            if (COMPONENTS.contains(entry.component())) {
                options.add(entry.option());
            }
        }
        return options;
    }

    /** Hands the planner the asynchronous, batching predict function. */
    static final class Provider implements AsyncPredictRuntimeProvider {
        private final AsyncPredictFunction function;

        Provider(AsyncPredictFunction function) {
            this.function = function;
        }

        @Override
        public AsyncPredictFunction createAsyncPredictFunction(Context context) {
            return function;
        }

        @Override
        public ModelProvider copy() {
            return new Provider(function);
        }
    }
}
