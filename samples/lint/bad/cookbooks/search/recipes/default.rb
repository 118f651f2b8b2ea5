package 'opensearch'

template '/etc/opensearch/jvm.options' do
  source 'jvm.options.erb'
  variables(heap: node['search']['heap'])
end

package 'openjdk-17-jre-headless'
