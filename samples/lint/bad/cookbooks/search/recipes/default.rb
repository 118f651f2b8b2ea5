package 'opensearch'

template '/etc/opensearch/jvm.options' do
  source 'jvm.options.erb'
  variables(heap: node['search']['heap'])
end
