/**
 * The region-of-interest operators of two-stage detectors (Faster R-CNN, Mask R-CNN), on the engine's tensors.
 *
 * <ul>
 *   <li>{@link org.hybridvision.detection.roi.RoiAlign}: RoIAlign forward and backward, as
 *       {@code torchvision.ops.roi_align} defines it; features {@code [N, C, H, W]}, RoIs {@code [K, 5]}, output
 *       {@code [K, C, outH, outW]}.</li>
 *   <li>{@link org.hybridvision.detection.roi.RoiFeatureExtractor}: mmdetection's {@code SingleRoIExtractor}, RoIs
 *       mapped to FPN levels by scale and pooled by RoIAlign (7x7 for the box head, 14x14 for the mask head).</li>
 *   <li>{@link org.hybridvision.detection.roi.MaskTargets}: ground-truth masks cropped and resized to the positive
 *       proposals (28x28 training targets).</li>
 *   <li>{@link org.hybridvision.detection.roi.MaskPaste}: predicted 28x28 mask probabilities pasted back into the
 *       image and thresholded.</li>
 *   <li>{@link org.hybridvision.detection.roi.BinaryMask}: the compact image-size instance mask both of the last two
 *       use.</li>
 * </ul>
 *
 * <p>RoIAlign's bilinear weights are computed in Java (package-private {@code RoiSampling}, {@code SamplingMatrix})
 * and applied as one sparse-dense product per feature map, so libtorch's autograd differentiates it; the mask
 * operators run in Java on the same weights. References: {@code src/test/resources/roi/make_roi_refs.py}; speed:
 * {@code RoiAlignBenchmark} (tagged slow).
 */
package org.hybridvision.detection.roi;
