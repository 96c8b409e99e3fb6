package io.ocellus.models.weights.internal;

import com.google.flatbuffers.Table;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/**
 * Typed views of the few tables of TensorFlow Lite's {@code schema.fbs} that weight import reads.
 *
 * <p>Each view is a {@link Table} of the flatbuffers Java runtime, which does the vtable and offset
 * work; the views only name the fields. Field slots follow the schema's declaration order (slot
 * {@code n} lives at vtable offset {@code 4 + 2n}). The TensorFlow Lite schema is append-only, so
 * these slots hold for every file since schema version 3. Generating the full schema with {@code
 * flatc} would add a native build tool for the handful of fields needed here.
 */
public final class TfliteSchema {

    /** The file identifier TensorFlow Lite writes at bytes 4..8. */
    public static final String FILE_IDENTIFIER = "TFL3";

    /** {@code BuiltinOperator} codes used by MobileNet v1. */
    public static final int OP_AVERAGE_POOL_2D = 1;

    public static final int OP_CONCATENATION = 2;

    public static final int OP_CONV_2D = 3;

    public static final int OP_DEPTHWISE_CONV_2D = 4;

    public static final int OP_LOGISTIC = 14;
    public static final int OP_RESHAPE = 22;
    public static final int OP_CUSTOM = 32;

    /** {@code Padding} codes. */
    public static final int PADDING_SAME = 0;

    public static final int PADDING_VALID = 1;

    /** {@code ActivationFunctionType} codes. */
    public static final int ACTIVATION_NONE = 0;

    public static final int ACTIVATION_RELU = 1;
    public static final int ACTIVATION_RELU6 = 3;

    /** {@code TensorType} codes. */
    public static final int TYPE_FLOAT32 = 0;

    public static final int TYPE_INT32 = 2;
    public static final int TYPE_UINT8 = 3;
    public static final int TYPE_INT8 = 9;

    private TfliteSchema() {}

    private static int slot(int index) {
        return 4 + 2 * index;
    }

    /** Whether the buffer carries the TensorFlow Lite file identifier. */
    public static boolean hasIdentifier(ByteBuffer buffer) {
        return buffer.remaining() >= 8 && Model.identified(buffer);
    }

    /** The root table: operator codes, subgraphs and buffers. */
    public static final class Model extends View {
        /** The model at the start of {@code buffer}, read little-endian as flatbuffers are. */
        public static Model root(ByteBuffer buffer) {
            buffer.order(ByteOrder.LITTLE_ENDIAN);
            Model model = new Model();
            model.at(buffer.getInt(buffer.position()) + buffer.position(), buffer);
            return model;
        }

        static boolean identified(ByteBuffer buffer) {
            return __has_identifier(buffer, FILE_IDENTIFIER);
        }

        public int version() {
            int o = __offset(slot(0));
            return o == 0 ? 0 : bb.getInt(o + bb_pos);
        }

        public int operatorCodesLength() {
            return length(slot(1));
        }

        public OperatorCode operatorCode(int i) {
            return element(new OperatorCode(), slot(1), i);
        }

        public int subgraphsLength() {
            return length(slot(2));
        }

        public SubGraph subgraph(int i) {
            return element(new SubGraph(), slot(2), i);
        }

        public int buffersLength() {
            return length(slot(4));
        }

        public Buffer buffer(int i) {
            return element(new Buffer(), slot(4), i);
        }
    }

    /** Base of the views: positions a table inside the file's buffer and reads vectors. */
    abstract static class View extends Table {
        void at(int position, ByteBuffer buffer) {
            __reset(position, buffer);
        }

        int length(int vtableOffset) {
            int o = __offset(vtableOffset);
            return o == 0 ? 0 : __vector_len(o);
        }

        int[] intVector(int vtableOffset) {
            int o = __offset(vtableOffset);
            if (o == 0) {
                return new int[0];
            }
            int start = __vector(o);
            int[] values = new int[__vector_len(o)];
            for (int i = 0; i < values.length; i++) {
                values[i] = bb.getInt(start + i * 4);
            }
            return values;
        }

        <T extends View> T table(T view, int vtableOffset) {
            int o = __offset(vtableOffset);
            if (o == 0) {
                return null;
            }
            view.at(__indirect(o + bb_pos), bb);
            return view;
        }

        <T extends View> T element(T view, int vtableOffset, int i) {
            int o = __offset(vtableOffset);
            if (o == 0 || i < 0 || i >= __vector_len(o)) {
                throw new IndexOutOfBoundsException("no element " + i);
            }
            view.at(__indirect(__vector(o) + i * 4), bb);
            return view;
        }
    }

    /** Which builtin operator an operator index refers to. */
    public static final class OperatorCode extends View {
        /**
         * The builtin code, from the old byte field or the newer int field, whichever is larger.
         */
        public int builtinCode() {
            int o = __offset(slot(0));
            int deprecated = o == 0 ? 0 : bb.get(o + bb_pos);
            int n = __offset(slot(3));
            int current = n == 0 ? 0 : bb.getInt(n + bb_pos);
            return Math.max(deprecated, current);
        }

        /** The name of a custom operator, such as {@code TFLite_Detection_PostProcess}; or "". */
        public String customCode() {
            int o = __offset(slot(1));
            return o == 0 ? "" : __string(o + bb_pos);
        }
    }

    /** One graph: tensors, inputs, outputs and operators in execution order. */
    public static final class SubGraph extends View {
        public int tensorsLength() {
            return length(slot(0));
        }

        public Tensor tensor(int i) {
            return element(new Tensor(), slot(0), i);
        }

        public int[] inputs() {
            return intVector(slot(1));
        }

        public int[] outputs() {
            return intVector(slot(2));
        }

        public int operatorsLength() {
            return length(slot(3));
        }

        public Operator operator(int i) {
            return element(new Operator(), slot(3), i);
        }
    }

    /** A tensor: shape, element type, the buffer holding its constant data, name, quantization. */
    public static final class Tensor extends View {
        public int[] shape() {
            return intVector(slot(0));
        }

        public int type() {
            int o = __offset(slot(1));
            return o == 0 ? TYPE_FLOAT32 : bb.get(o + bb_pos);
        }

        public int buffer() {
            int o = __offset(slot(2));
            return o == 0 ? 0 : bb.getInt(o + bb_pos);
        }

        public String name() {
            int o = __offset(slot(3));
            return o == 0 ? "" : __string(o + bb_pos);
        }

        /** The quantization parameters, or null for a float tensor. */
        public Quantization quantization() {
            return table(new Quantization(), slot(4));
        }
    }

    /** Affine quantization: {@code real = scale * (q - zeroPoint)}, per tensor or per channel. */
    public static final class Quantization extends View {
        public float[] scale() {
            int o = __offset(slot(2));
            if (o == 0) {
                return new float[0];
            }
            int start = __vector(o);
            float[] values = new float[__vector_len(o)];
            for (int i = 0; i < values.length; i++) {
                values[i] = bb.getFloat(start + i * 4);
            }
            return values;
        }

        public long[] zeroPoint() {
            int o = __offset(slot(3));
            if (o == 0) {
                return new long[0];
            }
            int start = __vector(o);
            long[] values = new long[__vector_len(o)];
            for (int i = 0; i < values.length; i++) {
                values[i] = bb.getLong(start + i * 8);
            }
            return values;
        }

        public int quantizedDimension() {
            int o = __offset(slot(6));
            return o == 0 ? 0 : bb.getInt(o + bb_pos);
        }
    }

    /** Raw constant data of a tensor; empty for activations. */
    public static final class Buffer extends View {
        /** The bytes as a little-endian slice of the file, or null when the buffer is empty. */
        public ByteBuffer data() {
            int o = __offset(slot(0));
            if (o == 0) {
                return null;
            }
            ByteBuffer slice = __vector_as_bytebuffer(slot(0), 1);
            return slice == null ? null : slice.slice().order(ByteOrder.LITTLE_ENDIAN);
        }
    }

    /** One operator: which code, and the tensors in and out. */
    public static final class Operator extends View {
        public int opcodeIndex() {
            int o = __offset(slot(0));
            return o == 0 ? 0 : bb.getInt(o + bb_pos);
        }

        public int[] inputs() {
            return intVector(slot(1));
        }

        public int[] outputs() {
            return intVector(slot(2));
        }

        /**
         * The builtin options table (the union's value; slot 3 holds its type), read by field
         * index, or null when the operator has none.
         */
        public Options builtinOptions() {
            return table(new Options(), slot(4));
        }

        /** A custom operator's options (a FlexBuffer), or null. */
        public ByteBuffer customOptions() {
            int o = __offset(slot(5));
            if (o == 0) {
                return null;
            }
            ByteBuffer slice = __vector_as_bytebuffer(slot(5), 1);
            return slice == null ? null : slice.slice().order(ByteOrder.LITTLE_ENDIAN);
        }
    }

    /**
     * Any builtin options table, its scalar fields read by their index in {@code schema.fbs}: for
     * {@code Conv2DOptions} 0 padding, 1 stride_w, 2 stride_h, 3 fused_activation_function, 4 and 5
     * dilation w and h; for {@code DepthwiseConv2DOptions} 0 padding, 1 stride_w, 2 stride_h, 3
     * depth_multiplier, 4 fused_activation_function, 5 and 6 dilation; for {@code
     * ConcatenationOptions} 0 axis, 1 fused_activation_function.
     */
    public static final class Options extends View {
        /** A byte-wide field (enums such as padding and activation), or {@code absent}. */
        public int byteField(int index, int absent) {
            int o = __offset(slot(index));
            return o == 0 ? absent : bb.get(o + bb_pos);
        }

        /** An int field, or {@code absent}. */
        public int intField(int index, int absent) {
            int o = __offset(slot(index));
            return o == 0 ? absent : bb.getInt(o + bb_pos);
        }
    }
}
