package io.explainstream.app.l2e;

/** The ONNX Runtime execution provider an {@link L2eExplainer} session actually runs on. */
public enum ExecutionProvider {
    /** ONNX Runtime's default CPU provider. */
    CPU,
    /** NVIDIA CUDA (needs the {@code onnxruntime_gpu} jar, built with {@code -Pgpu}, plus CUDA 12 and cuDNN 9). */
    CUDA
}
