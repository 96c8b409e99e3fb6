package io.ocellus.models.image;

import static org.assertj.core.api.Assertions.assertThat;

import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.File;
import java.net.URL;
import java.net.URLClassLoader;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import javax.imageio.ImageIO;
import javax.imageio.spi.IIORegistry;
import org.junit.jupiter.api.Test;

/**
 * What a Flink TaskManager does to ImageIO: a first job's class loader registers its plugins in the
 * JVM's one ImageIO registry and is then closed (the job cancelled or restarted); a second job, in
 * a new class loader, must still decode. Through ImageIO's registry it would reach the closed
 * loader's plugins and fail with NoClassDefFoundError.
 */
class ImageReadersTest {
    @Test
    void aJobsClassLoaderDecodesAfterAnEarlierOnesPluginsWereLeftInImageIo() throws Exception {
        BufferedImage picture = new BufferedImage(4, 3, BufferedImage.TYPE_INT_RGB);
        picture.setRGB(1, 2, 0x336699);
        ByteArrayOutputStream bmp = new ByteArrayOutputStream();
        ImageIO.write(picture, "bmp", bmp);

        IIORegistry registry = IIORegistry.getDefaultInstance();
        URLClassLoader first = jobLoader();
        Thread thread = Thread.currentThread();
        ClassLoader context = thread.getContextClassLoader();
        try {
            // As ImageIO's first use from a Flink task does: the job's plugins, registered.
            thread.setContextClassLoader(first);
            registry.registerApplicationClasspathSpis();
            thread.setContextClassLoader(context);
            assertThat(providersOf(registry, first)).isNotEmpty();
            first.close(); // the job ends; its plugins stay in ImageIO's registry

            try (URLClassLoader second = jobLoader()) {
                thread.setContextClassLoader(second);
                Class<?> decoder = second.loadClass(ImageDecoder.class.getName());
                Object rgb =
                        decoder.getMethod("decode", byte[].class)
                                .invoke(decoder.getConstructor().newInstance(), bmp.toByteArray());
                assertThat(rgb.getClass().getMethod("width").invoke(rgb)).isEqualTo(4);
                assertThat(rgb.getClass().getClassLoader()).isSameAs(second);
            }
        } finally {
            thread.setContextClassLoader(context);
            for (Object provider : providersOf(registry, first)) {
                registry.deregisterServiceProvider(provider);
            }
        }
    }

    /** A class loader like a job's: this test's class path, not delegating to the application's. */
    private static URLClassLoader jobLoader() throws Exception {
        List<URL> urls = new ArrayList<>();
        for (String entry : System.getProperty("java.class.path").split(File.pathSeparator)) {
            urls.add(new File(entry).toURI().toURL());
        }
        return new URLClassLoader(urls.toArray(URL[]::new), ClassLoader.getPlatformClassLoader());
    }

    private static List<Object> providersOf(IIORegistry registry, ClassLoader loader) {
        List<Object> owned = new ArrayList<>();
        Iterator<Class<?>> categories = registry.getCategories();
        while (categories.hasNext()) {
            Iterator<?> providers = registry.getServiceProviders(categories.next(), false);
            while (providers.hasNext()) {
                Object provider = providers.next();
                if (provider.getClass().getClassLoader() == loader) {
                    owned.add(provider);
                }
            }
        }
        return owned;
    }
}
