package org.hybridvision.layers;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.AbstractBlock;
import ai.djl.nn.Parameter;
import ai.djl.training.ParameterStore;
import ai.djl.training.initializer.Initializer;
import ai.djl.util.PairList;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * A DJL {@link AbstractBlock} that names its parameters, buffers and children exactly as the official PyTorch
 * modules do, so that a state dict key such as {@code conv_trans_2.cnn_block.bn1.running_mean} maps 1:1 onto one
 * {@link Parameter} of the Java model.
 *
 * <p>Parameters and buffers are DJL {@link Parameter}s; buffers (BatchNorm running statistics and
 * {@code num_batches_tracked}) are registered with {@code requiresGrad = false} and are listed apart, so that
 * parameter counts and optimizers see only trainable tensors, as in PyTorch.
 *
 * <p>Subclasses implement {@link #forward(Ctx, NDList)}; layers with one input also offer a typed
 * {@code NDArray forward(Ctx, NDArray)} which the models call directly.
 */
public abstract class Module extends AbstractBlock {

    private final LinkedHashMap<String, Module> submodules = new LinkedHashMap<>();
    private final LinkedHashMap<String, Parameter> params = new LinkedHashMap<>();
    private final LinkedHashMap<String, Parameter> buffers = new LinkedHashMap<>();
    /** Registration order of direct tensors (parameters and buffers interleaved, as in torch's state dict). */
    private final List<String> tensorOrder = new ArrayList<>();

    /**
     * Registers a child module under its PyTorch attribute name. A dotted name ({@code "conv1.0"}) stands for an
     * element of an {@code nn.Sequential} / {@code nn.ModuleList}.
     */
    protected final <M extends Module> M register(String name, M module) {
        if (submodules.containsKey(name)) {
            throw new IllegalArgumentException("duplicate child name " + name);
        }
        submodules.put(name, module);
        addChildBlock(name, module);
        return module;
    }

    /** Registers a trainable tensor. */
    protected final Parameter parameter(String name, Shape shape, Initializer init) {
        Parameter p = Parameter.builder().setName(name).setType(Parameter.Type.OTHER).optShape(shape)
                .optInitializer(init).optRequiresGrad(true).build();
        addParameter(p);
        params.put(name, p);
        tensorOrder.add(name);
        return p;
    }

    /** Registers a non-trainable tensor that is part of the state dict (a PyTorch buffer). */
    protected final Parameter buffer(String name, Shape shape, Initializer init) {
        Parameter p = Parameter.builder().setName(name).setType(Parameter.Type.OTHER).optShape(shape)
                .optInitializer(init).optRequiresGrad(false).build();
        addParameter(p);
        buffers.put(name, p);
        tensorOrder.add(name);
        return p;
    }

    /** Direct children by PyTorch name, in registration order. */
    public final Map<String, Module> submodules() {
        return Collections.unmodifiableMap(submodules);
    }

    /** Every parameter (trainable) of this module and its descendants, keyed by full PyTorch name. */
    public final LinkedHashMap<String, Parameter> namedParameters() {
        LinkedHashMap<String, Parameter> out = new LinkedHashMap<>();
        collect("", out, true, false);
        return out;
    }

    /** Every buffer (BatchNorm statistics) of this module and its descendants, keyed by full PyTorch name. */
    public final LinkedHashMap<String, Parameter> namedBuffers() {
        LinkedHashMap<String, Parameter> out = new LinkedHashMap<>();
        collect("", out, false, true);
        return out;
    }

    /** Parameters and buffers in PyTorch's {@code state_dict()} order. */
    public final LinkedHashMap<String, Parameter> stateDictEntries() {
        LinkedHashMap<String, Parameter> out = new LinkedHashMap<>();
        collect("", out, true, true);
        return out;
    }

    private void collect(String prefix, Map<String, Parameter> out, boolean withParams, boolean withBuffers) {
        for (String name : tensorOrder) {
            Parameter p = params.get(name);
            if (p != null ? withParams : withBuffers) {
                out.put(prefix + name, p != null ? p : buffers.get(name));
            }
        }
        for (Map.Entry<String, Module> e : submodules.entrySet()) {
            e.getValue().collect(prefix + e.getKey() + ".", out, withParams, withBuffers);
        }
    }

    /** Number of trainable values (buffers excluded), as {@code sum(p.numel() for p in model.parameters())}. */
    public final long parameterCount() {
        long n = 0;
        for (Parameter p : namedParameters().values()) {
            n += p.getShape().size();
        }
        return n;
    }

    /**
     * Allocates and initialises every tensor that has no value yet in {@code manager}, using each tensor's own
     * initializer (the official initialisation scheme of the model family).
     */
    public final void initializeTensors(NDManager manager) {
        for (Parameter p : stateDictEntries().values()) {
            p.initialize(manager, DataType.FLOAT32);
        }
    }

    @Override
    public void initialize(NDManager manager, DataType dataType, Shape... inputShapes) {
        initializeTensors(manager);
    }

    @Override
    protected final NDList forwardInternal(ParameterStore store, NDList inputs, boolean training,
                                           PairList<String, Object> params) {
        return forward(new Ctx(store, training), inputs);
    }

    /**
     * The module's forward pass.
     *
     * @param ctx parameter access and train/eval mode
     * @param inputs the inputs, as documented by the subclass
     * @return the outputs, as documented by the subclass
     */
    public abstract NDList forward(Ctx ctx, NDList inputs);

    /** Output shapes, found by running the module once on zeros in a scratch manager (eval mode). */
    @Override
    public Shape[] getOutputShapes(Shape[] inputShapes) {
        Parameter any = stateDictEntries().values().stream().filter(Parameter::isInitialized).findFirst()
                .orElseThrow(() -> new IllegalStateException("initialise the module before asking for shapes"));
        try (NDManager scratch = any.getArray().getManager().newSubManager()) {
            NDList in = new NDList();
            for (Shape s : inputShapes) {
                in.add(scratch.zeros(s));
            }
            NDList out = forward(new Ctx(new ParameterStore(scratch, false), false), in);
            Shape[] shapes = new Shape[out.size()];
            for (int i = 0; i < out.size(); i++) {
                shapes[i] = out.get(i).getShape();
            }
            return shapes;
        }
    }

    /**
     * Forward-pass context: where parameter values come from, whether the model is training, and (optionally) the
     * random source of this pass's stochastic layers.
     */
    public static final class Ctx {
        private final ParameterStore store;
        private final boolean training;
        private final SplittableRandom random;

        /**
         * @param store parameter store (device placement of parameter values)
         * @param training train mode: BatchNorm uses batch statistics and updates its buffers, DropPath is active
         */
        public Ctx(ParameterStore store, boolean training) {
            this(store, training, null);
        }

        /**
         * @param store parameter store (device placement of parameter values)
         * @param training train mode
         * @param random source of DropPath's masks, or null for libtorch's global generator. Passes that run in
         *     parallel threads need one each: the global generator would hand out its numbers in thread order
         */
        public Ctx(ParameterStore store, boolean training, SplittableRandom random) {
            this.store = store;
            this.training = training;
            this.random = random;
        }

        /** Inference context on the parameters' own device. */
        public static Ctx eval(NDManager manager) {
            return new Ctx(new ParameterStore(manager, false), false);
        }

        /** Training context on the parameters' own device. */
        public static Ctx train(NDManager manager) {
            return new Ctx(new ParameterStore(manager, false), true);
        }

        /** Training context whose stochastic layers draw from {@code random} (deterministic in any thread). */
        public static Ctx train(NDManager manager, SplittableRandom random) {
            return new Ctx(new ParameterStore(manager, false), true, random);
        }

        /** @return the random source of stochastic layers, or null for libtorch's global generator */
        public SplittableRandom random() {
            return random;
        }

        /** The value of {@code p} on the device of {@code like}. */
        public NDArray value(Parameter p, NDArray like) {
            return store.getValue(p, like.getDevice(), training);
        }

        /** @return whether this is a training pass */
        public boolean training() {
            return training;
        }

        /** @return the underlying DJL parameter store */
        public ParameterStore store() {
            return store;
        }
    }
}
