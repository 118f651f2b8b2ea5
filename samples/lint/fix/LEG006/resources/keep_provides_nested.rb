unified_mode true
resource_name :keep_provides_nested
provides :keep_provides_nested_alias if defined?(ChefUtils)

property :port, Integer
