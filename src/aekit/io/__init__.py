"""Layer 1, the file format: one safetensors file, tensors plus a JSON header; atomic writes."""
