package org.hybridvision.train;

/**
 * Learning rate per optimizer step: linear warm-up from {@code warmupLr} to {@code baseLr} over {@code warmupSteps},
 * then half-cosine from {@code baseLr} down to {@code minLr} at {@code totalSteps} (timm's {@code CosineLRScheduler}
 * with {@code t_in_epochs=False}, i.e. updated every step rather than every epoch).
 *
 * <pre>
 * step &lt; warmup:  lr = warmupLr + step * (baseLr - warmupLr) / warmupSteps
 * otherwise:      lr = minLr + 0.5 (baseLr - minLr) (1 + cos(pi (step - warmup) / (total - warmup)))
 * </pre>
 * Steps past {@code totalSteps} stay at {@code minLr}.
 *
 * @param baseLr peak learning rate
 * @param minLr final learning rate
 * @param warmupLr learning rate at step 0
 * @param warmupSteps length of the warm-up (may be 0)
 * @param totalSteps total number of optimizer steps of the run
 */
public record CosineSchedule(double baseLr, double minLr, double warmupLr, long warmupSteps, long totalSteps) {

    /** Validates the arguments. */
    public CosineSchedule {
        if (totalSteps < 1 || warmupSteps < 0 || baseLr < 0 || minLr < 0 || warmupLr < 0) {
            throw new IllegalArgumentException("invalid schedule " + baseLr + "/" + minLr + "/" + warmupLr + "/"
                    + warmupSteps + "/" + totalSteps);
        }
    }

    /** @return the learning rate of optimizer step {@code step} (0-based) */
    public double lr(long step) {
        if (step < warmupSteps) {
            return warmupLr + step * (baseLr - warmupLr) / warmupSteps;
        }
        long span = Math.max(1, totalSteps - warmupSteps);
        double t = Math.min(1.0, (double) (step - warmupSteps) / span);
        return minLr + 0.5 * (baseLr - minLr) * (1 + Math.cos(Math.PI * t));
    }
}
