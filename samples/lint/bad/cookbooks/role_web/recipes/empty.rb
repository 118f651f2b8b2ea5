#
# Cookbook:: role_web
# Recipe:: empty
#
# INC004 empty-recipe: left over from the generator.
