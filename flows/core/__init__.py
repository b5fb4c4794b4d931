"""The vocabulary and engine of the pure flow layer: texts, screens, inputs, effects, steps."""
