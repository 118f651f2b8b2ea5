# INC003 wrapper-recipe: the recipe only wraps nginx::default.
include_recipe 'nginx::default'
