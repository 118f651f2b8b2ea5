name 'web'
default_source :supermarket

cookbook 'app', path: 'cookbooks/app'
cookbook 'base', path: 'cookbooks/base'
cookbook 'monitoring', path: 'cookbooks/monitoring'

run_list 'base::default', 'app'
named_run_list :app_only, %w(app::default)
