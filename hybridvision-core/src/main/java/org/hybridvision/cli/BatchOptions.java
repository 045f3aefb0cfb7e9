package org.hybridvision.cli;

import picocli.CommandLine.Option;

/** Options shared by the commands that stream images through a model ({@code predict}, {@code eval}). */
final class BatchOptions {
    @Option(names = "--batch", defaultValue = "8",
            description = "Images per forward pass (default ${DEFAULT-VALUE}; activation memory grows with it).")
    int batch;

    @Option(names = "--decode-threads", defaultValue = "-1", paramLabel = "N",
            description = "Image decoding threads beside the model's; 0 decodes on the model thread. Default "
                    + "${DEFAULT-VALUE}: one per core.")
    int decodeThreads;

    @Option(names = "--threads", defaultValue = "0", paramLabel = "T",
            description = "Intra-op threads of the engine (libtorch), 0 = all cores. Default ${DEFAULT-VALUE}: all "
                    + "cores.")
    int threads;

    @Option(names = "--no-progress", description = "Show no progress on stderr. Default: progress shown (a bar "
            + "on a terminal, a plain line every few seconds when stderr is a file or pipe).")
    boolean noProgress;
}
