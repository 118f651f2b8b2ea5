#
# Cookbook:: app
# Recipe:: default
#
# Everything the application needs: a run list in disguise.
include_recipe 'app::install'
include_recipe 'app::config'
include_recipe 'app::service'
