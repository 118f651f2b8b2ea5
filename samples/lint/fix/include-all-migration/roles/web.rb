name 'web'
description 'Shop web servers'
run_list 'recipe[base::packages]', 'recipe[base]', 'recipe[app]'
env_run_lists 'production' => ['recipe[base]', 'recipe[app]', 'recipe[monitoring]'],
              '_default' => []
default_attributes('app' => { 'port' => 8080 })
