package io.ocellus.models.mobilenet;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;

/**
 * The shape of one MobileNet v1: width multiplier, input resolution and number of classes, and
 * everything that follows from them (layers, output shapes, multiply-adds, parameters).
 *
 * <p>The network is written once, as the table {@link #BLOCKS} of thirteen depthwise-separable
 * blocks after a 3x3 stem, exactly as TF-slim's {@code mobilenet_v1.py} defines it: channels are
 * {@code max(8, (int) (d * alpha))} and every convolution uses SAME padding, so any resolution of
 * at least 32 works; the released checkpoints use multiples of 32.
 *
 * <pre>{@code
 * MobileNetV1Spec spec = MobileNetV1Spec.of(0.5, 160);
 * long macs = spec.macs(); // 77 M for the whole classifier
 * }</pre>
 *
 * @param alpha width multiplier in (0, 1]
 * @param resolution input height and width in pixels
 * @param numClasses outputs of the logits layer (1001 for the ImageNet checkpoints, 0 for none)
 */
public record MobileNetV1Spec(double alpha, int resolution, int numClasses) {

    /** ImageNet classes plus background, as in every released checkpoint. */
    public static final int IMAGENET_CLASSES = 1001;

    /** TF-slim's smallest channel count after the multiplier is applied. */
    public static final int MIN_DEPTH = 8;

    /** The thirteen depthwise-separable blocks: stride of the depthwise and channels out. */
    public static final List<Block> BLOCKS =
            List.of(
                    new Block(1, 64),
                    new Block(2, 128),
                    new Block(1, 128),
                    new Block(2, 256),
                    new Block(1, 256),
                    new Block(2, 512),
                    new Block(1, 512),
                    new Block(1, 512),
                    new Block(1, 512),
                    new Block(1, 512),
                    new Block(1, 512),
                    new Block(2, 1024),
                    new Block(1, 1024));

    /** Channels of the stem, {@code Conv2d_0}, before the multiplier. */
    public static final int STEM_CHANNELS = 32;

    /** The width multipliers of the released checkpoints. */
    public static final List<Double> RELEASED_ALPHAS = List.of(1.0, 0.75, 0.5, 0.25);

    /** The resolutions of the released checkpoints. */
    public static final List<Integer> RELEASED_RESOLUTIONS = List.of(224, 192, 160, 128);

    /** One depthwise-separable block of the table. */
    public record Block(int stride, int channels) {}

    public MobileNetV1Spec {
        if (!(alpha > 0 && alpha <= 1)) {
            throw new IllegalArgumentException(
                    String.format(Locale.ROOT, "alpha must be in (0, 1], got %s", alpha));
        }
        if (resolution < 32) {
            throw new IllegalArgumentException(
                    String.format(
                            Locale.ROOT, "resolution must be at least 32, got %d", resolution));
        }
        if (numClasses < 0) {
            throw new IllegalArgumentException("numClasses must not be negative: " + numClasses);
        }
    }

    /** An ImageNet classifier (1001 classes) of the given width and resolution. */
    public static MobileNetV1Spec of(double alpha, int resolution) {
        return new MobileNetV1Spec(alpha, resolution, IMAGENET_CLASSES);
    }

    /** The 16 released ImageNet variants, widest and largest first. */
    public static List<MobileNetV1Spec> released() {
        List<MobileNetV1Spec> specs = new ArrayList<>();
        for (double alpha : RELEASED_ALPHAS) {
            for (int resolution : RELEASED_RESOLUTIONS) {
                specs.add(of(alpha, resolution));
            }
        }
        return Collections.unmodifiableList(specs);
    }

    /** Channels after the multiplier, as TF-slim computes them. */
    public int depth(int channels) {
        return Math.max(MIN_DEPTH, (int) (channels * alpha));
    }

    /** The stable id of this variant, for example {@code mobilenet_v1_0.75_192}. */
    public String id() {
        return String.format(Locale.ROOT, "mobilenet_v1_%s_%d", alphaLabel(), resolution);
    }

    /** The multiplier as the released files write it: 1.0, 0.75, 0.5, 0.25. */
    public String alphaLabel() {
        String text = String.format(Locale.ROOT, "%.4f", alpha).replaceAll("0+$", "");
        return text.endsWith(".") ? text + "0" : text;
    }

    /** The 27 convolutions of the body, stem first, then depthwise and pointwise per block. */
    public List<Layer> bodyLayers() {
        List<Layer> layers = new ArrayList<>();
        int size = outSize(resolution, 2);
        int channels = depth(STEM_CHANNELS);
        layers.add(new Layer("Conv2d_0", LayerKind.CONV, 3, 2, 3, channels, resolution, size));
        for (int i = 0; i < BLOCKS.size(); i++) {
            Block block = BLOCKS.get(i);
            int out = outSize(size, block.stride());
            int next = depth(block.channels());
            String prefix = "Conv2d_" + (i + 1);
            layers.add(
                    new Layer(
                            prefix + "_depthwise",
                            LayerKind.DEPTHWISE,
                            3,
                            block.stride(),
                            channels,
                            channels,
                            size,
                            out));
            layers.add(
                    new Layer(
                            prefix + "_pointwise",
                            LayerKind.POINTWISE,
                            1,
                            1,
                            channels,
                            next,
                            out,
                            out));
            size = out;
            channels = next;
        }
        return Collections.unmodifiableList(layers);
    }

    /** The 1x1 logits convolution after the pool, or none when {@link #numClasses()} is 0. */
    public List<Layer> headLayers() {
        if (numClasses == 0) {
            return List.of();
        }
        return List.of(
                new Layer(
                        "Conv2d_1c_1x1",
                        LayerKind.LOGITS,
                        1,
                        1,
                        embeddingSize(),
                        numClasses,
                        1,
                        1));
    }

    /** Body and head layers in data-flow order. */
    public List<Layer> layers() {
        List<Layer> all = new ArrayList<>(bodyLayers());
        all.addAll(headLayers());
        return Collections.unmodifiableList(all);
    }

    /** The layer of that name, body or head. */
    public Layer layer(String name) {
        return layers().stream()
                .filter(layer -> layer.name().equals(name))
                .findFirst()
                .orElseThrow(
                        () -> new IllegalArgumentException("MobileNet v1 has no layer " + name));
    }

    /** Channels of the pooled embedding: 1024 x alpha. */
    public int embeddingSize() {
        return depth(BLOCKS.get(BLOCKS.size() - 1).channels());
    }

    /** Height and width of the last feature map (resolution / 32, rounded up). */
    public int finalMapSize() {
        List<Layer> body = bodyLayers();
        return body.get(body.size() - 1).outSize();
    }

    /** Multiply-adds of one image through body and head. */
    public long macs() {
        return layers().stream().mapToLong(Layer::macs).sum();
    }

    /** Trainable parameters of body and head (see {@link Layer#parameters()}). */
    public long parameters() {
        return layers().stream().mapToLong(Layer::parameters).sum();
    }

    private static int outSize(int in, int stride) {
        return (in + stride - 1) / stride; // SAME padding
    }
}
