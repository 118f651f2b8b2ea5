include_recipe 'base::hardening'

file '/etc/motd' do
  content "Authorised use only\n"
end
