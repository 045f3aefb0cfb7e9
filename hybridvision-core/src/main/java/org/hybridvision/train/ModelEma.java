package org.hybridvision.train;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.nn.Parameter;
import org.hybridvision.layers.InPlaceCopy;
import org.hybridvision.models.LoadedModel;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Exponential moving average of a model's weights (timm {@code ModelEmaV2}): after every optimizer step,
 * {@code ema = decay * ema + (1 - decay) * model} for every floating-point parameter and buffer; integer buffers
 * ({@code num_batches_tracked}) are copied. The average lives in a second model of the same architecture, so it can
 * be evaluated and saved like any model.
 */
public final class ModelEma implements AutoCloseable {
    private final LoadedModel ema;
    private final double decay;
    private final LinkedHashMap<String, Parameter> source;
    private final LinkedHashMap<String, Parameter> target;

    /**
     * @param model the model being trained
     * @param copy a second, freshly built model of the same architecture (its values are overwritten now)
     * @param decay e.g. 0.99996
     */
    public ModelEma(LoadedModel model, LoadedModel copy, double decay) {
        this.ema = copy;
        this.decay = decay;
        this.source = model.net().stateDictEntries();
        this.target = copy.net().stateDictEntries();
        for (Map.Entry<String, Parameter> e : source.entrySet()) {
            InPlaceCopy.copy(target.get(e.getKey()).getArray(), e.getValue().getArray());
        }
    }

    /** @return the averaged model */
    public LoadedModel model() {
        return ema;
    }

    /** @return the decay */
    public double decay() {
        return decay;
    }

    /** Folds the model's current weights into the average. */
    public void update() {
        try (NDManager scratch = ema.manager().newSubManager()) {
            for (Map.Entry<String, Parameter> e : source.entrySet()) {
                NDArray src = e.getValue().getArray();
                NDArray dst = target.get(e.getKey()).getArray();
                DataType t = dst.getDataType();
                if (t == DataType.FLOAT32 || t == DataType.FLOAT64 || t == DataType.FLOAT16) {
                    NDArray scaled = src.mul((float) (1 - decay));
                    scaled.attach(scratch);
                    dst.muli((float) decay).addi(scaled);
                } else {
                    InPlaceCopy.copy(dst, src);
                }
            }
        }
    }

    @Override
    public void close() {
        ema.close();
    }
}
