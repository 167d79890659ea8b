// Package eval measures generated clips of the demo family (balls bouncing in
// a box, every impact audible) the way `lockstep eval` reports them: it finds
// the balls in every frame, tracks them, locates the visual impacts, detects
// the audio onsets, and scores audio-video synchrony, the physical
// plausibility of the motion and the agreement with the caption.
//
// # Pipeline
//
//  1. Background ([EstimateBackground]): the per-pixel temporal median of the
//     clip, checked against a per-row model (the demo backgrounds are
//     vertical gradients) so that a ball resting for most of the clip does
//     not become background.
//  2. Detection ([DetectFrame]): pixels farther than a colour distance from
//     the background are foreground; each is labelled with the palette colour
//     that best explains it as a blend of that colour over the background
//     (which also gives its coverage alpha, so anti-aliased edges count
//     fractionally); connected components of one label are balls, with an
//     alpha-weighted centre and the radius of a disc of the same area. A
//     one-colour blob whose area is well above that of a disc of its minor
//     axis is split into two or three balls (overlapping balls of one colour).
//  3. Tracking ([TrackBalls]): optimal assignment (exhaustive for the small
//     counts of the family) of detections to tracks of the same colour by
//     distance to a constant-velocity prediction, with short gaps allowed.
//  4. Visual impacts ([FindImpacts]): extrema of x(t) or y(t) with hysteresis,
//     confirmed by a velocity jump and a contact position near a wall, the
//     floor or the ceiling; the time is sub-frame, from a joint fit of two
//     parabolas with a shared curvature on both sides, intersected.
//     Small floor bounces (a pixel or two, two or three frames) are found
//     from the deficits of y's second differences against gravity.
//  5. Audio onsets ([DetectOnsets]): log-magnitude spectral flux over 4 ms
//     windows every 1 ms, an adaptive (moving median) threshold, peak picking
//     with a refractory period, and a sample-accurate refinement on the
//     high-passed signal's energy step.
//  6. Metrics ([Evaluate], [Summarize]): impacts and onsets matched one to one
//     (closest pairs first, within a window), signed and absolute offsets,
//     fractions heard and seen over the events that are not marginal (an
//     impact slower than a fifth of the clip's fastest, an onset quieter than
//     a fifth of its loudest: the generator's tones are as loud as the
//     impact is fast, so both sides drop the same bounces, those too small
//     to be seen at 12 fps), parabola R² of y(t) between vertical impacts,
//     colour and count agreement with the parsed caption; the [Summary] over
//     many clips carries the pass/fail checks of the demo model's quality
//     bar, and [WriteMarkdown] renders it.
//
// # Limits
//
// Detection assumes a static background, balls drawn in near-palette colours
// with a contrast of at least about 40 (8-bit RGB distance) to it, and balls
// that are discs. Two balls of one colour that overlap almost completely look
// like one ball in that frame; the clip's ball count is therefore the most
// balls seen in a sustained number of frames, not a per-frame count. A ball
// partly hidden behind a ball of another colour is measured from its visible
// part, which biases its centre and radius while hidden; such samples, and
// those of split blobs, are marked not clean. Balls of one colour that merge
// for a few frames leave a gap in one track (up to TrackOptions.MaxGap
// frames, then a new track), and impacts inside the gap are missed; these
// scenes cause most of the onsets that go unseen on generated clips.
// Impacts of bounces lower than about half a pixel or shorter than about two
// frames cannot be seen at 12 fps. Two impacts closer than the onset
// refractory period (8 ms) sound as one onset.
//
// # Calibration
//
// The defaults are tuned on clips of the scene generator (the tests report
// the figures): on them the analysis must find what the ground truth says,
// and the [Summary] must pass the quality bar; shifting the audio by 300 ms,
// silencing it or naming a wrong colour must fail it.
package eval
