user 'deploy' do
  shell '/bin/bash'
  manage_home true
end
