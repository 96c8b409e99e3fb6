package io.ocellus.models.image;

import java.io.IOException;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.ServiceLoader;
import javax.imageio.ImageReader;
import javax.imageio.spi.IIORegistry;
import javax.imageio.spi.ImageReaderSpi;
import javax.imageio.spi.ServiceRegistry;
import javax.imageio.stream.ImageInputStream;

/**
 * The image readers {@link ImageDecoder} chooses from: the plugins on this class's own class path
 * (TwelveMonkeys' JPEG and WebP readers, from {@code META-INF/services}), then the JDK's built-in
 * ones, in that order, as ImageIO orders them.
 *
 * <p>Not ImageIO's registry: it is one per JVM, and the first {@code ImageIO} call from a Flink
 * task registers the job's plugins in it, loaded by the job's class loader. After that job is
 * cancelled, restarted or upgraded on the same TaskManager, its class loader is closed but its
 * plugins stay registered, and every later job's ImageIO call reaches them and fails with {@code
 * NoClassDefFoundError} (every BMP, PNG or GIF frame a dead letter). This list is made once per
 * class loader that loads this class, so each job reads with its own plugins.
 */
final class ImageReaders {
    /** A registry of this class loader's own: plugins order themselves in it as in ImageIO's. */
    private static final ServiceRegistry REGISTRY = registry();

    private ImageReaders() {}

    /** The first reader that can decode {@code input}, or null when none can. */
    static ImageReader find(ImageInputStream input) throws IOException {
        Iterator<ImageReaderSpi> providers =
                REGISTRY.getServiceProviders(ImageReaderSpi.class, true);
        while (providers.hasNext()) {
            ImageReaderSpi provider = providers.next();
            if (canDecode(provider, input)) {
                return provider.createReaderInstance();
            }
        }
        return null;
    }

    /**
     * As ImageIO asks: a provider that fails reading the header (too few bytes, say) cannot decode
     * it, and the stream is back where it was either way.
     */
    private static boolean canDecode(ImageReaderSpi provider, ImageInputStream input)
            throws IOException {
        input.mark();
        try {
            return provider.canDecodeInput(input);
        } catch (IOException e) {
            return false;
        } finally {
            input.reset();
        }
    }

    /**
     * The JDK's readers first (TwelveMonkeys' JPEG reader finds its delegate, the JDK's, when it is
     * registered), then the plugins on this class's class path, which put themselves first.
     */
    private static ServiceRegistry registry() {
        ServiceRegistry registry =
                new ServiceRegistry(List.<Class<?>>of(ImageReaderSpi.class).iterator());
        for (ImageReaderSpi jdk : builtIn()) {
            registry.registerServiceProvider(jdk, ImageReaderSpi.class);
        }
        for (ImageReaderSpi plugin :
                ServiceLoader.load(ImageReaderSpi.class, ImageReaders.class.getClassLoader())) {
            if (plugin.getClass().getClassLoader() != null
                    && plugin.getClass().getClassLoader() != ClassLoader.getPlatformClassLoader()) {
                registry.registerServiceProvider(plugin, ImageReaderSpi.class);
            }
        }
        return registry;
    }

    /**
     * The JDK's own readers, from ImageIO's registry, read with the system class loader as the
     * context: if this is the JVM's first use of the registry, it then registers no job's plugins.
     */
    private static List<ImageReaderSpi> builtIn() {
        Thread thread = Thread.currentThread();
        ClassLoader context = thread.getContextClassLoader();
        thread.setContextClassLoader(ClassLoader.getSystemClassLoader());
        try {
            List<ImageReaderSpi> jdk = new ArrayList<>();
            Iterator<ImageReaderSpi> all =
                    IIORegistry.getDefaultInstance()
                            .getServiceProviders(ImageReaderSpi.class, true);
            while (all.hasNext()) {
                ImageReaderSpi provider = all.next();
                ClassLoader loader = provider.getClass().getClassLoader();
                if (loader == null || loader == ClassLoader.getPlatformClassLoader()) {
                    jdk.add(provider);
                }
            }
            return jdk;
        } finally {
            thread.setContextClassLoader(context);
        }
    }
}
