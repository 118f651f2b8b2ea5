# Another partial, in `partial/` rather than `_partial/`.
property :certificate, String
property :key_path, String
